// In-process request coalescing for batches: while a key is being loaded, every other caller asking for
// it waits for that load instead of starting its own. A hot key that expires under load therefore costs
// one upstream request per process, not one per concurrent request.

export interface SingleFlight<V> {
  /**
   * Resolves one value per key, in key order. Keys already in flight join the running load; the others
   * are passed together to `load` (deduplicated, in first-seen order), which returns one value per key.
   * If `load` rejects, every caller waiting on its keys rejects with the same error.
   */
  doMany(keys: readonly string[], load: (keys: string[]) => Promise<readonly V[]>): Promise<V[]>;
  /** How many keys are being loaded right now (for tests and metrics). */
  size(): number;
}

export function createSingleFlight<V>(): SingleFlight<V> {
  const flights = new Map<string, Promise<V>>();
  return {
    size: () => flights.size,
    doMany(keys, load) {
      const own: string[] = [];
      const settle = new Map<string, { resolve: (v: V) => void; reject: (e: unknown) => void }>();
      for (const key of keys) {
        if (flights.has(key)) continue;
        const { promise, resolve, reject } = Promise.withResolvers<V>();
        // A rejection nobody awaits yet must not surface as unhandled.
        promise.catch(() => {});
        flights.set(key, promise);
        settle.set(key, { resolve, reject });
        own.push(key);
      }
      // Capture the promises before the load starts: a load that fails synchronously clears its keys.
      const waits = keys.map((key) => flights.get(key) as Promise<V>);
      if (own.length > 0) void runLoad(own, load, settle, flights);
      return Promise.all(waits);
    },
  };
}

async function runLoad<V>(
  own: string[],
  load: (keys: string[]) => Promise<readonly V[]>,
  settle: Map<string, { resolve: (v: V) => void; reject: (e: unknown) => void }>,
  flights: Map<string, Promise<V>>,
): Promise<void> {
  try {
    const values = await load(own);
    if (values.length !== own.length) {
      throw new Error(`single-flight load returned ${values.length} values for ${own.length} keys`);
    }
    own.forEach((key, i) => {
      settle.get(key)?.resolve(values[i] as V);
    });
  } catch (error) {
    for (const key of own) settle.get(key)?.reject(error);
  } finally {
    for (const key of own) flights.delete(key);
  }
}
