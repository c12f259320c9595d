import { describe, expect, it } from 'vitest';
import { AuditUnavailableError } from './errors.ts';
import { createGroupCommitter } from './groupCommit.ts';

/** A write the test releases by hand, so batching is observed without timing. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  return {
    batches,
    release: () => gates.shift()?.(),
    write: (batch: readonly number[]) => {
      batches.push([...batch]);
      return new Promise<number[]>((resolve) => gates.push(() => resolve(batch.map((n) => n * 10))));
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes what arrives during a commit together in the next one, up to the batch limit', async () => {
    const writer = gatedWriter();
    const committer = createGroupCommitter({ write: writer.write, maxBatch: 3 });
    // The first record is written at once: an idle store adds no waiting to a request.
    const results = [1, 2, 3, 4, 5].map((n) => committer.submit(n));
    await tick();
    expect(writer.batches).toEqual([[1]]);
    writer.release();
    await tick();
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
    writer.release();
    await tick();
    expect(writer.batches).toEqual([[1], [2, 3, 4], [5]]);
    writer.release();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
    await committer.close();
  });

  it('resolves nothing before its write succeeds, and rejects every item of a failed write', async () => {
    let fail = true;
    const committer = createGroupCommitter<number, number>({
      write: async (batch) => {
        if (fail) throw new Error('connection refused');
        return [...batch];
      },
    });
    const failed = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(AuditUnavailableError);
    fail = false;
    expect(await committer.submit(3)).toBe(3);
    await committer.close();
  });

  it('rejects a submit whose commit does not come within the time limit, and never writes it later', async () => {
    const writer = gatedWriter();
    const committer = createGroupCommitter({ write: writer.write, timeoutMs: 20 });
    const stuck = committer.submit(1);
    const queued = committer.submit(2);
    await expect(stuck).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(queued).rejects.toBeInstanceOf(AuditUnavailableError);
    writer.release();
    await committer.close();
    expect(writer.batches).toEqual([[1]]);
  });

  it('refuses at once when the queue is full, and after close', async () => {
    const writer = gatedWriter();
    const committer = createGroupCommitter({ write: writer.write, maxBatch: 1, maxQueue: 1 });
    const first = committer.submit(1);
    await tick();
    const second = committer.submit(2);
    await expect(committer.submit(3)).rejects.toThrow(/too many/);
    writer.release();
    await tick();
    writer.release();
    expect(await Promise.all([first, second])).toEqual([10, 20]);
    await committer.close();
    await expect(committer.submit(4)).rejects.toThrow(/closed/);
  });
});
