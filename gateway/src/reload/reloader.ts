// Reloads SUPERGRAPH_FILE, PROCEDURES_FILE and CLIENTS_FILE on SIGHUP and when one of them changes.
// Each file's directory is watched, not the file: editors save by writing a new file and renaming it
// over the old one, which a watch on the old file would not see. Changes are debounced, reloads run
// one at a time (a change during a reload runs another after it), and all three files are read and
// checked before anything is swapped: a file caught half-written fails its checks and is refused,
// and the write that completes it triggers the next reload. A refused set leaves the one in force.
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../../lib/logger.ts';
import { singleMetric } from '../../../lib/metrics.ts';
import {
  type ConfigFile,
  type ConfigFiles,
  describe,
  InvalidConfigFile,
  type LoadedConfig,
} from './configSet.ts';
import type { LiveConfig } from './liveConfig.ts';

/** How long the files must stay quiet after a change before they are read. */
export const RELOAD_DEBOUNCE_MS = 250;

export type ReloadOutcome =
  | { readonly outcome: 'applied'; readonly supergraphHash: string }
  | { readonly outcome: 'unchanged' }
  | { readonly outcome: 'refused'; readonly file: ConfigFile; readonly reason: string };

export interface ReloaderOptions {
  readonly files: ConfigFiles;
  readonly live: LiveConfig;
  /** Reads and checks the three files (loadConfigSet with the gateway's data sources). */
  readonly load: () => Promise<LoadedConfig>;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Reload on SIGHUP; default true. */
  readonly signal?: boolean;
  /** Reload when a file changes; default true. */
  readonly watch?: boolean;
}

export interface Reloader extends Disposable {
  /** Reads the files now (after any reload under way) and swaps if they are valid and changed. */
  reload(trigger: string): Promise<ReloadOutcome>;
  close(): void;
}

export function startReloader(options: ReloaderOptions): Reloader {
  const { live, logger } = options;
  const reloads = singleMetric(
    options.registry,
    'lienthong_config_reloads_total',
    () =>
      new Counter({
        name: 'lienthong_config_reloads_total',
        help: 'Configuration reloads by outcome (applied, unchanged, refused) and file (the refused file; all when the set was read whole).',
        labelNames: ['file', 'outcome'],
        registers: [options.registry],
      }),
  );
  const info = singleMetric(
    options.registry,
    'lienthong_config_info',
    () =>
      new Gauge({
        name: 'lienthong_config_info',
        help: 'The configuration set in force: 1, labelled with the first 12 hex digits of the supergraph sha256.',
        labelNames: ['supergraph'],
        registers: [options.registry],
      }),
  );
  const lastApplied = singleMetric(
    options.registry,
    'lienthong_config_last_reload_timestamp_seconds',
    () =>
      new Gauge({
        name: 'lienthong_config_last_reload_timestamp_seconds',
        help: 'When the configuration set in force was loaded (the start-up or the last applied reload).',
        registers: [options.registry],
      }),
  );
  const showLoaded = (hash: string) => {
    info.reset();
    info.labels(hash.slice(0, 12)).set(1);
    lastApplied.setToCurrentTime();
  };
  showLoaded(live.current.supergraphHash);
  // Every series from the start, so that a rate() sees the first reload.
  for (const outcome of ['applied', 'unchanged'] as const) reloads.labels('all', outcome).inc(0);
  for (const file of ['supergraph', 'procedures', 'clients'] as const) reloads.labels(file, 'refused').inc(0);

  const once = async (trigger: string): Promise<ReloadOutcome> => {
    let next: LoadedConfig;
    try {
      next = await options.load();
    } catch (error) {
      if (!(error instanceof InvalidConfigFile)) throw error;
      reloads.labels(error.file, 'refused').inc();
      const reason = describe(error.error);
      logger.error({ trigger, file: error.file, path: error.path, reason }, 'configuration reload refused');
      return { outcome: 'refused', file: error.file, reason: error.message };
    }
    if (next.set.hash === live.current.hash) {
      reloads.labels('all', 'unchanged').inc();
      logger.info({ trigger }, 'configuration reload: files unchanged');
      return { outcome: 'unchanged' };
    }
    const previous = live.current.supergraphHash;
    live.swap(next);
    reloads.labels('all', 'applied').inc();
    showLoaded(next.set.supergraphHash);
    logger.info(
      { trigger, supergraph: next.set.supergraphHash.slice(0, 12), previous: previous.slice(0, 12) },
      'configuration reload applied',
    );
    return { outcome: 'applied', supergraphHash: next.set.supergraphHash };
  };

  // One reload at a time; triggers arriving meanwhile share the single one run after it.
  let running: Promise<ReloadOutcome> | undefined;
  let queued: Promise<ReloadOutcome> | undefined;
  const reload = (trigger: string): Promise<ReloadOutcome> => {
    if (!running) {
      running = once(trigger).finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return reload(trigger);
      });
    return queued;
  };
  const reportFailure = (error: unknown) =>
    logger.error({ err: error }, 'configuration reload failed unexpectedly; the set in force stays');

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const onChange = () => {
    clearTimeout(timer);
    timer = setTimeout(() => reload('file change').catch(reportFailure), RELOAD_DEBOUNCE_MS);
  };
  const paths =
    options.watch === false
      ? []
      : [options.files.supergraph, options.files.procedures, options.files.clients].flatMap((p) =>
          p === undefined ? [] : [resolve(p)],
        );
  const byDirectory = Map.groupBy(paths, (p) => dirname(p));
  for (const [directory, inIt] of byDirectory) {
    const names = new Set(inIt.map((p) => basename(p)));
    const watcher = watch(directory, { persistent: false }, (_event, name) => {
      // Some platforms report no name: then any change in the directory may be ours.
      if (name === null || names.has(name)) onChange();
    });
    watcher.on('error', (error) =>
      logger.error({ err: error, directory }, 'configuration watch failed; SIGHUP still reloads'),
    );
    watchers.push(watcher);
  }
  const onSignal = () => void reload('SIGHUP').catch(reportFailure);
  if (options.signal ?? true) process.on('SIGHUP', onSignal);

  const close = () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
    process.off('SIGHUP', onSignal);
  };
  return { reload, close, [Symbol.dispose]: close };
}
