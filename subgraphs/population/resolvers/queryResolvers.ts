// Root fields: validate at the edge, then one batched load.
import { badUserInput } from '../../../lib/errors.ts';
import { requireCitizenId } from '../../common/validate.ts';
import type { PopulationContext } from '../context.ts';
import type { CitizenParent } from './citizenResolvers.ts';

export interface QueryOptions {
  /** Most ids `citizens(ids:)` accepts. */
  readonly citizensMaxIds: number;
}

export function queryResolvers(options: QueryOptions) {
  return {
    async citizen(
      _: unknown,
      args: { id: string },
      context: PopulationContext,
    ): Promise<CitizenParent | null> {
      const id = requireCitizenId(args.id, 'id');
      const loaded = await context.loaders.citizen.load(id);
      return loaded ? { id, loaded } : null;
    },
    async citizens(
      _: unknown,
      args: { ids: readonly string[] },
      context: PopulationContext,
    ): Promise<(CitizenParent | null | Error)[]> {
      if (args.ids.length > options.citizensMaxIds) {
        throw badUserInput(
          'ids',
          `a list of at most ${options.citizensMaxIds} personal identification numbers`,
        );
      }
      const ids = args.ids.map((id) => requireCitizenId(id, 'ids'));
      const loaded = await context.loaders.citizen.loadMany(ids);
      // An Error in a slot becomes an error at that index; the other citizens are still served.
      return loaded.map((slot, i) =>
        slot instanceof Error || slot === null ? slot : { id: ids[i]!, loaded: slot },
      );
    },
  };
}
