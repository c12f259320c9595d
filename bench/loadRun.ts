// The load generator's process, so that it never shares an event loop with the gateway under test:
// reads a workload file (bench/workload.ts's requests, JSON), gives each request its client's token
// and its purpose headers, optionally warms up on another part of the list, runs loadGenerator.ts and
// prints a JSON line of LoadResult for the warm-up (if any), then one for the measured run.
// argv[2]: JSON of LoadSpec.
import { readFile } from 'node:fs/promises';
import { type LoadResult, type PreparedRequest, runLoad } from './loadGenerator.ts';
import type { WorkRequest } from './workload.ts';

export interface LoadSpec {
  readonly url: string;
  readonly workloadFile: string;
  /** Bearer token per client index of the workload. */
  readonly tokens: readonly string[];
  readonly mode: 'closed' | 'open';
  readonly connections: number;
  readonly rate?: number;
  readonly durationSeconds: number;
  readonly offset: number;
  /** A warm-up run first (figures thrown away), starting at `warmupOffset` of the list. */
  readonly warmupSeconds: number;
  readonly warmupOffset?: number;
}

export type { LoadResult };

export function prepare(requests: readonly WorkRequest[], tokens: readonly string[]): PreparedRequest[] {
  return requests.map((r) => ({
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[r.client] ?? tokens[0]}`,
      'x-procedure-code': r.procedure,
      'x-dossier-id': r.dossier,
    },
    body: r.body,
  }));
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const requests = prepare(
    JSON.parse(await readFile(spec.workloadFile, 'utf8')) as WorkRequest[],
    spec.tokens,
  );
  const base = {
    url: spec.url,
    requests,
    mode: spec.mode,
    connections: spec.connections,
    ...(spec.rate ? { rate: spec.rate } : {}),
  };
  if (spec.warmupSeconds > 0) {
    const warm = await runLoad({
      ...base,
      durationSeconds: spec.warmupSeconds,
      offset: spec.warmupOffset ?? 0,
    });
    process.stdout.write(`${JSON.stringify(warm)}\n`);
  }
  const result = await runLoad({ ...base, durationSeconds: spec.durationSeconds, offset: spec.offset });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
