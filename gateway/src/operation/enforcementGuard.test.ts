import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.ts';
import { assertEnforceable, unguardedRootFields } from './enforcementGuard.ts';
import { readScopeRequirements, stripSecurityFeatures } from './supergraphSecurity.ts';

const committed = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');

describe('the enforcement guard', () => {
  it('passes the committed supergraph: every root field declares its scopes', () => {
    expect(unguardedRootFields(committed, readScopeRequirements(committed))).toEqual([]);
  });

  it('stops a supergraph stripped of its security features, naming the open root fields', () => {
    const stripped = stripSecurityFeatures(committed);
    const run = () => assertEnforceable(stripped, readScopeRequirements(stripped), 'stripped.graphql');
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/SUPERGRAPH_FILE: .*Query\.citizen.* in stripped\.graphql/);
  });

  it('stops a supergraph where one new root field has no requirement', () => {
    const sdl = `type Query { a: String b: String }`;
    const requirements = new Map([['Query.a', [['population:read']]]]);
    expect(unguardedRootFields(sdl, requirements)).toEqual(['Query.b']);
  });
});
