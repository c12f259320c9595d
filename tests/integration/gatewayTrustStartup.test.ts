// lienthong is where the supergraph's scopes are enforced, so it must never serve a supergraph whose
// scopes it cannot see. A bare @apollo/gateway refuses the committed supergraph (its security features
// are unsupported there: gateway/src/operation/supergraphSecurity.test.ts); lienthong refuses the copy
// stripped of them, which a bare gateway would serve wide open.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripSecurityFeatures } from '../../gateway/src/operation/supergraphSecurity.ts';
import { ConfigError } from '../../lib/errors.ts';
import { startStack } from '../support/stack.ts';

let dir: string;
let stripped: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-stripped-'));
  stripped = join(dir, 'supergraph.graphql');
  const committed = await readFile(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
  await writeFile(stripped, stripSecurityFeatures(committed));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('starting lienthong', () => {
  it('attack: a supergraph stripped of its scopes (nothing to enforce) stops the start', async () => {
    const error = await startStack({ gatewayEnv: { SUPERGRAPH_FILE: stripped } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^SUPERGRAPH_FILE: expected every root field to declare @requiresScopes/),
    ]);
    expect((error as Error).message).toContain('Query.citizen');
  });
});
