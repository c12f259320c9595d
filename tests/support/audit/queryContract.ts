// Reading the log back: filters, newest-first cursor pagination, a citizen's access history, export.
import { expect, it } from 'vitest';
import { AuditQueryError } from '../../../gateway/src/audit/errors.ts';
import type { AuditFilter, AuditRecordInput, AuditStore } from '../../../gateway/src/audit/types.ts';
import { type FreshDatabaseFactory, record, withStore } from './auditTestSupport.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const SUBJECTS = ['001099000001', '001099000002', '079203000017', '0101234567'];

/** 30 records, the i-th at T0 + i seconds (seq i + 1), with varied clients, officers and subjects. */
function seedRecords(): AuditRecordInput[] {
  return Array.from({ length: 30 }, (_, i) => {
    const denied = i % 7 === 0;
    return record({
      requestId: `r${i}`,
      clientId: ['client-a', 'client-b', 'client-c'][i % 3]!,
      officer: i % 5 === 0 ? null : i % 2 ? 'officer-x' : 'officer-y',
      procedureCode: i % 4 === 0 ? '1.000001' : '1.004227',
      dossierId: `D-${i % 6}`,
      subjects: denied ? [] : [SUBJECTS[i % 3]!, ...(i % 10 === 1 ? [SUBJECTS[3]!] : [])],
      denied: denied ? ['Citizen.religion'] : [],
      outcome: denied ? 'denied' : i % 9 === 0 ? 'partial' : 'ok',
    });
  });
}

async function seeded(store: AuditStore): Promise<AuditRecordInput[]> {
  const records = seedRecords();
  for (const r of records) await store.append(r);
  return records;
}

/** Every id the filter yields, following cursors page by page. */
async function collect(store: AuditStore, filter: AuditFilter, first: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await store.query(filter, { first, after });
    expect(page.edges.length).toBeLessThanOrEqual(first);
    ids.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

/** The ids a filter should yield, newest first, computed from the seed. */
const expectedIds = (records: AuditRecordInput[], keep: (r: AuditRecordInput, i: number) => boolean) =>
  records
    .map((r, i) => ({ r, id: String(i + 1) }))
    .filter(({ r }, i) => keep(r, i))
    .map(({ id }) => id)
    .reverse();

export function queryContract(fresh: FreshDatabaseFactory): void {
  it('pages through everything newest first, with no gaps or repeats', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      const records = await seeded(store);
      expect(await collect(store, {}, 7)).toEqual(expectedIds(records, () => true));
      const first = await store.query({}, { first: 2 });
      expect(first.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          id: '30',
          at: '2026-01-01T00:00:29.000Z',
          clientId: 'client-c',
          officer: 'officer-x',
        }),
        expect.objectContaining({ id: '29', at: '2026-01-01T00:00:28.000Z' }),
      ]);
      expect(first.pageInfo.hasNextPage).toBe(true);
    });
  });

  it('narrows by each filter and by their combination', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      const records = await seeded(store);
      const at = (i: number) => new Date(T0 + i * 1000);
      const cases: [AuditFilter, (r: AuditRecordInput, i: number) => boolean][] = [
        [{ clientId: 'client-b' }, (r) => r.clientId === 'client-b'],
        [{ officer: 'officer-x' }, (r) => r.officer === 'officer-x'],
        [{ procedureCode: '1.000001' }, (r) => r.procedureCode === '1.000001'],
        [{ dossierId: 'D-2' }, (r) => r.dossierId === 'D-2'],
        [{ outcome: 'denied' }, (r) => r.outcome === 'denied'],
        [{ from: at(10), to: at(20) }, (_, i) => i >= 10 && i < 20],
        [{ from: at(10).toISOString(), to: '2026-01-01T00:00:20Z' }, (_, i) => i >= 10 && i < 20],
        [{ subject: SUBJECTS[1] }, (r) => r.subjects.includes(SUBJECTS[1]!)],
        [{ subject: SUBJECTS[3] }, (r) => r.subjects.includes(SUBJECTS[3]!)],
        [
          { subject: SUBJECTS[0], from: at(5), to: at(25), clientId: 'client-a' },
          (r, i) => r.subjects.includes(SUBJECTS[0]!) && i >= 5 && i < 25 && r.clientId === 'client-a',
        ],
        [{ subject: '001099999999' }, () => false],
      ];
      for (const [filter, keep] of cases) {
        const want = expectedIds(records, keep);
        expect(await collect(store, filter, 3), JSON.stringify(filter)).toEqual(want);
      }
    });
  });

  it('shows a citizen the accesses to their data without officer names', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      const records = await seeded(store);
      const page = await store.accessHistory(SUBJECTS[1]!, { first: 100 });
      expect(page.edges.map((e) => e.node.id)).toEqual(
        expectedIds(records, (r) => r.subjects.includes(SUBJECTS[1]!)),
      );
      expect(page.edges.every((e) => e.node.officer === null)).toBe(true);
      expect(page.edges[0]!.node).toMatchObject({
        clientId: expect.any(String),
        procedureCode: expect.any(String),
      });
    });
  });

  it('answers an empty page when nothing matches', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      expect(await store.query({ clientId: 'nobody' })).toEqual({
        edges: [],
        pageInfo: { hasNextPage: false, endCursor: null },
      });
    });
  });

  it('rejects a forged cursor, a page size out of range, an unknown outcome and a malformed date', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      const argumentOf = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (error: unknown) => (error instanceof AuditQueryError ? error.argument : String(error)),
        );
      expect(await argumentOf(store.query({}, { after: 'not-a-cursor' }))).toBe('after');
      expect(
        await argumentOf(store.query({}, { after: Buffer.from("x|1'; --").toString('base64url') })),
      ).toBe('after');
      expect(await argumentOf(store.query({}, { first: 0 }))).toBe('first');
      expect(await argumentOf(store.query({}, { first: 101 }))).toBe('first');
      expect(await argumentOf(store.query({ outcome: 'bogus' }))).toBe('outcome');
      expect(await argumentOf(store.query({ from: 'yesterday' }))).toBe('from');
      expect(await argumentOf(store.accessHistory('001099000001', { first: 1.5 }))).toBe('first');
    });
  });

  it('exports a time range oldest first, hashes included', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      await seeded(store);
      const exported = [];
      for await (const r of store.exportRange(new Date(T0 + 3000), new Date(T0 + 8000))) exported.push(r);
      expect(exported.map((r) => r.seq)).toEqual([4, 5, 6, 7, 8]);
      expect(exported[0]).toMatchObject({ requestId: 'r3', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(exported[1]!.prevHash).toBe(exported[0]!.hash);
    });
  });
}
