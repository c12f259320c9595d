// Runs a component as a process: starts it, reports a bad configuration in one line per variable and
// exits, and on SIGINT/SIGTERM disposes it (draining in-flight requests) before exiting.
import { exitOnConfigError } from './env.ts';

export async function runMain(component: string, start: () => Promise<AsyncDisposable>): Promise<void> {
  let running: AsyncDisposable;
  try {
    running = await start();
  } catch (error) {
    exitOnConfigError(error, component);
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    try {
      await running[Symbol.asyncDispose]();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`${component}: error while stopping on ${signal}: ${(error as Error).message}\n`);
      process.exit(1);
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
