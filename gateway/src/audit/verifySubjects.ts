// The subject index (audit_subjects) is outside the hash chain, so the verifier checks it against the
// chained records: a row removed from it would hide an access from the citizen's history.
import type { ChainRow, Problem } from './classifyBreak.ts';
import type { SqlExecutor } from './sqlDatabase.ts';

const key = (seq: number, subject: string, at: number) => `${seq}\u0000${at}\u0000${subject}`;

export async function subjectIndexProblem(
  tx: SqlExecutor,
  page: readonly ChainRow[],
): Promise<Problem | undefined> {
  const first = page[0]!.seq;
  const last = page.at(-1)!.seq;
  const { rows } = await tx.query('SELECT seq, subject, at FROM audit_subjects WHERE seq BETWEEN $1 AND $2', [
    first,
    last,
  ]);
  const indexed = new Map<number, Set<string>>();
  for (const row of rows) {
    const seq = Number(row['seq']);
    const at = (row['at'] instanceof Date ? row['at'] : new Date(String(row['at']))).getTime();
    const set = indexed.get(seq) ?? new Set<string>();
    set.add(key(seq, String(row['subject']), at));
    indexed.set(seq, set);
  }
  for (const row of page) {
    const expected = new Set(row.content.subjects.map((s) => key(row.seq, s, row.content.at.getTime())));
    const actual = indexed.get(row.seq) ?? new Set<string>();
    indexed.delete(row.seq);
    if (expected.size !== actual.size || [...expected].some((k) => !actual.has(k))) {
      return { seq: row.seq, kind: 'edited', detail: `the subject index does not match record ${row.seq}` };
    }
  }
  const stray = [...indexed.keys()].sort((a, b) => a - b)[0];
  if (stray !== undefined) {
    return {
      seq: stray,
      kind: 'inserted',
      detail: `the subject index lists record ${stray}, which does not exist`,
    };
  }
  return undefined;
}
