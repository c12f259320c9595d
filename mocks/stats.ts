// Request counters behind GET /__admin/stats: how many /api/ requests a mock received and how many
// keys its batch endpoints were asked for, so tests can assert batching and caching over HTTP.

export interface StatsSnapshot {
  /** /api/ requests received (with a valid key) since start or the last reset, faulted ones included. */
  readonly requests: number;
  /** Keys asked for across batch endpoints. */
  readonly keys: number;
  /** Requests per route template, e.g. "POST /api/v1/cong-dan/tra-cuu". */
  readonly byRoute: Readonly<Record<string, number>>;
}

export class Stats {
  #requests = 0;
  #keys = 0;
  #byRoute = new Map<string, number>();

  request(route: string): void {
    this.#requests++;
    this.#byRoute.set(route, (this.#byRoute.get(route) ?? 0) + 1);
  }

  keys(count: number): void {
    this.#keys += count;
  }

  snapshot(): StatsSnapshot {
    return { requests: this.#requests, keys: this.#keys, byRoute: Object.fromEntries(this.#byRoute) };
  }

  reset(): void {
    this.#requests = 0;
    this.#keys = 0;
    this.#byRoute = new Map();
  }
}
