// The day's workload: the same requests for a seed, distinct citizens from the pool with about the
// population's share not found, the office's mix, every client with a valid agency, one well-formed
// dossier per case of a few requests naming every subject they read, and the identical workload as one request.
import { describe, expect, it } from 'vitest';
import { dossierFor } from '../../bench/dossiers.ts';
import { median, verdict } from '../../bench/memory.ts';
import {
  BENCH_CLIENTS,
  buildWorkload,
  CASE_REQUESTS,
  identicalWorkload,
  kindCounts,
  prepare,
  WORK_MIX,
} from '../../bench/workload.ts';
import { isAgencyCode } from '../../lib/agency.ts';
import { isCitizenId, isDossierId } from '../../lib/ids.ts';
import { congDan } from '../../mocks/data/population.ts';
import { hoSoSchema } from '../../mocks/dossiers.ts';

const day = buildWorkload({ poolSize: 1_000, requests: 2_000, seed: 'test' });

describe("the day's workload", () => {
  it('is the same for the same seed and different for another', () => {
    expect(buildWorkload({ poolSize: 1_000, requests: 2_000, seed: 'test' })).toEqual(day);
    const other = buildWorkload({ poolSize: 1_000, requests: 2_000, seed: 'other' });
    expect(other.map((r) => r.body)).not.toEqual(day.map((r) => r.body));
  });

  it('reads many distinct citizens, a small share of them not in the population database', () => {
    const citizens = new Set(
      day.flatMap((r) => r.subjects.filter((s) => s.loai === 'CONG_DAN').map((s) => s.ma)),
    );
    expect(citizens.size).toBeGreaterThan(500);
    for (const id of citizens) expect(isCitizenId(id)).toBe(true);
    const missing = [...citizens].filter((id) => congDan(id) === null).length;
    expect(missing).toBeGreaterThan(0);
    expect(missing / citizens.size).toBeLessThan(0.1);
  });

  it('sends every kind of the mix, profiles most, writes fewest', () => {
    const counts = kindCounts(day);
    for (const [kind] of WORK_MIX) expect(counts[kind]).toBeGreaterThan(0);
    const sorted = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    expect(sorted[0]?.[0]).toBe('profile');
    expect(sorted.at(-1)?.[0]).toBe('issueResult');
  });

  it('comes from every client system, each with a valid agency, a few requests per case', () => {
    const clients = new Set(day.map((r) => r.client));
    expect(clients.size).toBe(BENCH_CLIENTS.length);
    for (const c of BENCH_CLIENTS) expect(isAgencyCode(c.agency)).toBe(true);
    const cases = Map.groupBy(day, (r) => r.dossier);
    expect(cases.size).toBeGreaterThanOrEqual(day.length / CASE_REQUESTS);
    for (const [dossier, requests] of cases) {
      expect(isDossierId(dossier)).toBe(true);
      expect(requests.length).toBeLessThanOrEqual(CASE_REQUESTS);
      // One client and one procedure per dossier.
      expect(new Set(requests.map((r) => `${r.client} ${r.procedure}`)).size).toBe(1);
    }
  });

  it('files a dossier per case naming the applicant and every subject its requests read, for the client’s agency', () => {
    for (const requests of [...Map.groupBy(day, (r) => r.dossier).values()].slice(0, 100)) {
      const dossier = dossierFor(requests, '2026-12-01');
      expect(dossier.maCoQuan).toBe(BENCH_CLIENTS[requests[0]!.client]?.agency);
      expect(dossier.maTTHC).toBe(requests[0]!.procedure);
      expect(['CONG_DAN', 'DOANH_NGHIEP']).toContain(dossier.chuHoSo?.loai);
      const listed = [dossier.chuHoSo, ...dossier.doiTuongLienQuan].map((s) => s?.ma);
      for (const request of requests) {
        const variables = (JSON.parse(request.body) as { variables: Record<string, unknown> }).variables;
        const roots = [
          variables['id'],
          variables['code'],
          variables['serial'],
          ...((variables['ids'] as string[]) ?? []),
        ];
        for (const root of roots.filter((v): v is string => typeof v === 'string'))
          expect(listed).toContain(root);
      }
    }
  });

  it('files only dossiers the one-stop system accepts, however many ids the batches name', () => {
    // A large day, so that several batch requests land in one case.
    const large = buildWorkload({ poolSize: 2_000, requests: 20_000, seed: 'large' });
    const cases = [...Map.groupBy(large, (r) => r.dossier).values()];
    for (const requests of cases) {
      const parsed = hoSoSchema.safeParse(dossierFor(requests, '2026-12-01'));
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
    const batchCases = cases.filter((requests) => requests.some((r) => r.kind === 'batch'));
    expect(batchCases.some((requests) => requests.length > 1)).toBe(true);
  });

  it("sends each request with its own client's token and its purpose headers", () => {
    const prepared = prepare(
      day.slice(0, 50),
      BENCH_CLIENTS.map((c) => `token-of-${c.id}`),
    );
    prepared.forEach((p, i) => {
      const request = day[i]!;
      expect(p).toMatchObject({
        headers: {
          authorization: `Bearer token-of-${BENCH_CLIENTS[request.client]?.id}`,
          'x-procedure-code': request.procedure,
          'x-dossier-id': request.dossier,
        },
        body: request.body,
      });
    });
  });

  it('keeps the identical-request workload to one request', () => {
    expect(identicalWorkload('092082031521')).toHaveLength(1);
  });
});

describe('memory verdict', () => {
  it('takes medians per minute and calls a rise of more than 10% from the second minute growing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(verdict([300, 200, 205, 210])).toEqual({ growth: 1.05, verdict: 'flat' });
    expect(verdict([200, 200, 240, 280])).toEqual({ growth: 1.4, verdict: 'growing' });
    // Still rising over the last three minutes, however slowly the rise began.
    expect(verdict([200, 200, 210, 220, 240, 250, 260])).toEqual({ growth: 1.3, verdict: 'growing' });
  });

  it('calls a rise that then holds for the last three minutes levelled, not flat', () => {
    expect(verdict([394, 476, 517, 498, 515, 569, 589, 603, 603, 603])).toEqual({
      growth: 1.267,
      verdict: 'levelled',
    });
    expect(verdict([394, 476, 589, 603, 650])).toEqual({ growth: 1.366, verdict: 'growing' });
  });
});
