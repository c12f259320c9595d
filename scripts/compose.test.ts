import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { type DocumentNode, type FieldDefinitionNode, Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  composeSupergraph,
  loadSubgraphSdl,
  SUBGRAPH_NAMES,
  SUPERGRAPH_FILE,
  type SubgraphName,
  subgraphUrl,
} from '../schema/composeSupergraph.ts';

const SOURCE_SCOPE: Record<string, string> = {
  population: 'population:read',
  business: 'business:read',
  insurance: 'insurance:read',
  land: 'land:read',
  results: 'results:read',
};

function fieldsWithoutDescription(doc: DocumentNode): string[] {
  const missing: string[] = [];
  for (const def of doc.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      // Root operation types are described by their fields.
      if (!['Query', 'Mutation'].includes(def.name.value) && !def.description) missing.push(def.name.value);
      for (const f of def.fields ?? []) if (!f.description) missing.push(`${def.name.value}.${f.name.value}`);
    } else if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
      if (!def.description) missing.push(def.name.value);
      for (const v of def.values ?? []) if (!v.description) missing.push(`${def.name.value}.${v.name.value}`);
    }
  }
  return missing;
}

describe('composeSupergraph', () => {
  it('matches the committed schema/supergraph.graphql', () => {
    expect(composeSupergraph()).toBe(readFileSync(SUPERGRAPH_FILE, 'utf8'));
  });

  it('names every subgraph at its default URL', () => {
    const sdl = composeSupergraph();
    for (const name of SUBGRAPH_NAMES) expect(sdl).toContain(`url: "${subgraphUrl(name)}"`);
    expect(subgraphUrl('population')).toBe('http://127.0.0.1:4001/graphql');
    expect(subgraphUrl('audit')).toBe('http://127.0.0.1:4000/internal/audit');
  });

  it('marks the scopes as a SECURITY feature, so a gateway that cannot enforce them refuses it', async () => {
    const supergraphSdl = composeSupergraph();
    expect(supergraphSdl).toContain(
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
    );
    const gateway = new ApolloGateway({ supergraphSdl });
    try {
      await expect(gateway.load()).rejects.toThrow(/for: SECURITY but is unsupported/);
    } finally {
      await gateway.stop().catch(() => {});
    }
  });
});

describe.each(SUBGRAPH_NAMES)('schema/%s.graphql', (name) => {
  const doc = parse(loadSubgraphSdl(name));

  it('describes every type, field and enum value', () => {
    expect(fieldsWithoutDescription(doc)).toEqual([]);
  });
});

const SHARED_VALUE_TYPES = new Set(['Address', 'Provenance']);
const WRITE_SCOPE: Record<string, string> = { results: 'results:issue' };

const ENTITY_OWNER: Record<string, string> = {
  Citizen: 'population',
  Enterprise: 'business',
  LandCertificate: 'land',
  IssuedResult: 'results',
};

function scopesOf(field: FieldDefinitionNode): string[] {
  const directive = field.directives?.find((d) => d.name.value === 'requiresScopes');
  const arg = directive?.arguments?.find((a) => a.name.value === 'scopes')?.value;
  if (arg?.kind !== Kind.LIST) return [];
  return arg.values.flatMap((inner) =>
    inner.kind === Kind.LIST ? inner.values.map((v) => (v.kind === Kind.STRING ? v.value : '')) : [],
  );
}

describe.each(Object.keys(SOURCE_SCOPE) as SubgraphName[])('schema/%s.graphql scopes', (name) => {
  const doc = parse(loadSubgraphSdl(name));

  it("requires the source's scope on every field it resolves, and its own key fields", () => {
    const wrong: string[] = [];
    for (const def of doc.definitions) {
      // Value types shared by every source are guarded where they are reached (e.g. `Citizen.provenance`).
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || SHARED_VALUE_TYPES.has(def.name.value)) continue;
      const owner = ENTITY_OWNER[def.name.value];
      for (const field of def.fields ?? []) {
        const scopes = scopesOf(field);
        // A foreign entity's key field is its owner's to guard (composition carries the owner's scope).
        if (owner !== undefined && owner !== name && ['id', 'code', 'serial'].includes(field.name.value)) {
          if (scopes.length > 0) wrong.push(`${def.name.value}.${field.name.value}`);
          continue;
        }
        // Writes need the write scope; what a write returns is readable by the writer too.
        if (def.name.value === 'Mutation') {
          if (scopes.join(' ') !== WRITE_SCOPE[name]) wrong.push(`${def.name.value}.${field.name.value}`);
          continue;
        }
        const allowed = [SOURCE_SCOPE[name], ...(name === 'population' ? ['population:sensitive'] : [])];
        const readable = scopes.filter((scope) => scope !== WRITE_SCOPE[name]);
        if (readable.length !== 1 || !allowed.includes(readable[0]!))
          wrong.push(`${def.name.value}.${field.name.value}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps ethnicity and religion behind population:sensitive', () => {
    const sdl = composeSupergraph();
    expect(sdl).toMatch(/ethnicity: String .*@requiresScopes\(scopes: \[\["population:sensitive"\]\]\)/);
    expect(sdl).toMatch(/religion: String .*@requiresScopes\(scopes: \[\["population:sensitive"\]\]\)/);
  });
});
