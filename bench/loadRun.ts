// The load generator's process, so that it never shares an event loop with the gateway under test:
// reads a workload file (bench/workload.ts's requests, JSON), gives each request its client's token
// and its purpose headers, optionally warms up on another part of the list, runs loadGenerator.ts and
// prints a JSON line of LoadResult for the warm-up (if any), then one for the measured run.
// argv[2]: JSON of LoadSpec.
import { readFile } from 'node:fs/promises';
import { directRequests } from './direct.ts';
import { type LoadResult, type PreparedRequest, runLoad } from './loadGenerator.ts';
import { prepare, type WorkRequest } from './workload.ts';

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
  /** The workload file holds captured subgraph requests, sent straight to these subgraphs (direct.ts). */
  readonly direct?: {
    readonly subgraphUrls: Readonly<Record<string, string>>;
    readonly internalKeyFile: string;
  };
}

export type { LoadResult };

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const direct = spec.direct
    ? await directRequests(spec.workloadFile, spec.direct.subgraphUrls, spec.direct.internalKeyFile)
    : undefined;
  const requests: PreparedRequest[] =
    direct?.requests ??
    prepare(JSON.parse(await readFile(spec.workloadFile, 'utf8')) as WorkRequest[], spec.tokens);
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
  direct?.stop();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
