// Child processes of the benchmark: each component in its own process with its own environment,
// its output in a log file, stopped by its own pid (never by name).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every child still running, so that an interrupted run can stop them (by pid) before it exits. */
export const liveChildren = new Set<ChildProcess>();

export function killLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGTERM');
}

export interface BenchProcess extends AsyncDisposable {
  readonly name: string;
  readonly pid: number;
  /**
   * Peak resident set size since start or the last `resetPeak`, in KiB (/proc/<pid>/status VmHWM),
   * summed over the process and its descendants (a cluster primary and its workers).
   */
  peakRssKb(): Promise<number | undefined>;
  /** Resident set size now, in KiB (VmRSS), summed over the process and its descendants. */
  rssKb(): Promise<number | undefined>;
  /** Resets the peak (writing 5 to /proc/<pid>/clear_refs), so each operation gets its own. */
  resetPeak(): Promise<void>;
  /** CPU time (user + system) the process and its descendants have used, in ms (/proc/<pid>/stat). */
  cpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly logDir: string;
  /** URLs answering 2xx once the process is ready. */
  readonly readyUrls: readonly string[];
  readonly readyTimeoutMs?: number;
}

export async function startProcess(options: StartOptions): Promise<BenchProcess> {
  const log = createWriteStream(join(options.logDir, `${options.name}.log`), { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, options.args, {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  liveChildren.add(child);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    }),
  );
  const pid = child.pid ?? 0;
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    await Promise.race([exit, sleep(15_000)]);
    if (!exited) child.kill('SIGKILL');
    await exit;
  };
  const until = Date.now() + (options.readyTimeoutMs ?? 60_000);
  try {
    for (const url of options.readyUrls) {
      for (;;) {
        if (exited)
          throw new Error(`${options.name} exited during start; see ${options.logDir}/${options.name}.log`);
        if (await isOk(url)) break;
        if (Date.now() > until) throw new Error(`${options.name} not ready at ${url}`);
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const status = (field: 'VmHWM' | 'VmRSS') => async () => {
    let total: number | undefined;
    for (const each of await processTree(pid)) {
      const kb = await statusKb(each, field);
      if (kb !== undefined) total = (total ?? 0) + kb;
    }
    return total;
  };
  return {
    name: options.name,
    pid,
    peakRssKb: status('VmHWM'),
    rssKb: status('VmRSS'),
    resetPeak: async () => {
      for (const each of await processTree(pid)) {
        await writeFile(`/proc/${each}/clear_refs`, '5').catch(() => {});
      }
    },
    cpuMs: async () => {
      let total: number | undefined;
      for (const each of await processTree(pid)) {
        const ms = await cpuMsOf(each);
        if (ms !== undefined) total = (total ?? 0) + ms;
      }
      return total;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The process and its descendants, from /proc/<pid>/task/<tid>/children. */
async function processTree(root: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    try {
      const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
      for (const child of text.trim().split(/\s+/)) if (child) queue.push(Number(child));
    } catch {
      // gone, or no children file
    }
  }
  return out;
}

async function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A process's CPU time (user + system) in ms, from /proc/<pid>/stat; undefined once it has gone. */
export async function cpuMsOf(pid: number): Promise<number | undefined> {
  try {
    // Fields after the parenthesized command: utime and stime are the 12th and 13th, in ticks of 10 ms.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function isOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** A port free right now (the OS's choice), for a process started next. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
