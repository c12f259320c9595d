// The "physical limit" row: the same work with no gateway at all. The subgraph requests that bare
// @apollo/gateway's query plans make for the day's requests are captured once (on backends of their
// own, so the ids stay cold for the measured run), then the load process sends them straight to the
// subgraphs, stage after stage as the plan ran them. What a zero-cost gateway would reach on this
// machine: no parsing, planning, authorization, audit or response shaping.
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import type { SubgraphCall } from './loadGenerator.ts';
import { startPeerTokens } from './peers/peerTokens.ts';
import { prepare, type WorkRequest } from './workload.ts';

export interface CapturedCall {
  readonly subgraph: string;
  /** The JSON body the gateway sent. */
  readonly body: string;
}

/** One captured request: its stages, each a list of calls made together. */
export type CapturedRequest = readonly (readonly CapturedCall[])[];

/**
 * Sends `requests` (16 at a time) to a gateway started with CAPTURE_FILE=`captureFile`, which
 * appends one line per request; returns how many lines were captured.
 */
export async function captureWork(
  graphqlUrl: string,
  requests: readonly WorkRequest[],
  tokens: readonly string[],
  captureFile: string,
): Promise<number> {
  await writeFile(captureFile, '');
  const prepared = prepare(requests, tokens);
  let next = 0;
  const worker = async () => {
    while (next < prepared.length) {
      const request = prepared[next++]!;
      if ('stages' in request) continue;
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await appendFile(captureFile, '');
  return (await readFile(captureFile, 'utf8')).split('\n').filter(Boolean).length;
}

/** The captured requests as the load generator's direct requests, with internal tokens kept fresh. */
export async function directRequests(
  captureFile: string,
  subgraphUrls: Readonly<Record<string, string>>,
  internalKeyFile: string,
): Promise<{ requests: { stages: SubgraphCall[][] }[]; stop(): void }> {
  const tokens = await startPeerTokens(internalKeyFile, Object.keys(subgraphUrls));
  const headers = new Map(
    Object.keys(subgraphUrls).map((name) => [
      name,
      () => ({ 'content-type': 'application/json', authorization: tokens.header(name) }),
    ]),
  );
  const lines = (await readFile(captureFile, 'utf8')).split('\n').filter(Boolean);
  const requests = lines.map((line) => ({
    stages: (JSON.parse(line) as CapturedRequest).map((stage) =>
      stage.map((call) => {
        const url = subgraphUrls[call.subgraph];
        const header = headers.get(call.subgraph);
        if (!url || !header) throw new Error(`captured a call to an unknown subgraph ${call.subgraph}`);
        return { url, headers: header, body: call.body };
      }),
    ),
  }));
  return { requests, stop: tokens.stop };
}
