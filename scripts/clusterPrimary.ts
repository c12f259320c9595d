// node scripts/clusterPrimary.ts <entry.ts> <workers>
// Runs <workers> copies of a component (gateway/src/main.ts, subgraphs/<source>/main.ts) as Node cluster
// workers sharing one listening port: the primary accepts connections and hands them round-robin to the
// workers, as a load balancer would hand them to replicas. A worker that dies is replaced; SIGTERM or
// SIGINT stops every worker (each drains its in-flight requests) and then the primary.
import cluster, { type Worker } from 'node:cluster';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, countText = '2'] = process.argv.slice(2);
const count = Number(countText);
if (!entry || !Number.isInteger(count) || count < 1 || count > 64) {
  process.stderr.write('usage: node scripts/clusterPrimary.ts <entry.ts> <workers (1–64)>\n');
  process.exit(64);
}

if (cluster.isPrimary) {
  let stopping = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      // A worker that exits at once with a configuration error would be replaced in a tight loop.
      if (code === 78 || code === 64) {
        process.stderr.write(`${entry}: worker exited with code ${code}; stopping\n`);
        void stopAll(code);
        return;
      }
      process.stderr.write(
        `${entry}: worker ${worker.process.pid} exited (${signal ?? code}); replacing it\n`,
      );
      fork();
    });
    return worker;
  };
  for (let i = 0; i < count; i++) fork();

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((done) => {
            if (worker.isDead()) return done();
            worker.once('exit', () => done());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(code);
  };
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGINT', () => void stopAll(0));
} else {
  await import(pathToFileURL(resolve(entry)).href);
}
