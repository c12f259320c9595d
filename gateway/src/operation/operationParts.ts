// The one operation a request runs, and the fragments it may spread.
import { type DocumentNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode } from 'graphql';
import { codedError, ErrorCode } from '../../../lib/errors.ts';

export interface OperationParts {
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

export function operationParts(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationParts {
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) {
    throw codedError(ErrorCode.BAD_USER_INPUT, 'The document has no single operation to run by that name.', {
      status: 400,
    });
  }
  return { operation, fragments };
}
