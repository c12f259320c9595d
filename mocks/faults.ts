// Latency and fault injection for the mocks' /api/ routes, so that timeouts, retries, circuit
// breakers and partial results can be exercised over real HTTP. A "timeout" never answers: the
// request is held until the client gives up or the mock closes, and is then released, not leaked.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';

export interface Faults {
  /** Fixed delay before every /api/ answer, ms; default 0. */
  readonly delayMs: number;
  /** Random extra delay, uniform in [0, jitterMs), ms; default 0. */
  readonly jitterMs: number;
  /** Share (0..1) of requests answered with `errorStatus`; default 0. */
  readonly errorRate: number;
  /** Status of injected errors; default 503. */
  readonly errorStatus: number;
  /** Share (0..1) of requests never answered; default 0. */
  readonly timeoutRate: number;
}

export const DEFAULT_FAULTS: Faults = Object.freeze({
  delayMs: 0,
  jitterMs: 0,
  errorRate: 0,
  errorStatus: 503,
  timeoutRate: 0,
});

export const faultsPatchSchema = z
  .object({
    delayMs: z.number().int().min(0).max(600_000),
    jitterMs: z.number().int().min(0).max(600_000),
    errorRate: z.number().min(0).max(1),
    errorStatus: z.number().int().min(400).max(599),
    timeoutRate: z.number().min(0).max(1),
  })
  .partial()
  .strict();

export type FaultOutcome = 'proceed' | 'error' | 'timeout' | 'gone';

export class FaultInjector {
  #faults: Faults;
  readonly #random: () => number;
  /** Requests held by a timeout fault or waiting out a delay, released on close. */
  readonly #held = new Set<ServerResponse>();
  readonly #waiting = new Set<() => void>();

  constructor(initial: Partial<Faults> = {}, random: () => number = Math.random) {
    this.#faults = { ...DEFAULT_FAULTS, ...initial };
    this.#random = random;
  }

  get(): Faults {
    return this.#faults;
  }

  set(patch: Partial<Faults>): Faults {
    this.#faults = { ...this.#faults, ...patch };
    return this.#faults;
  }

  /** Number of requests currently held by timeout faults (for tests of the release). */
  heldCount(): number {
    return this.#held.size;
  }

  /** Applies the faults to one request; anything but 'proceed' means the request is already dealt with. */
  async apply(res: ServerResponse): Promise<FaultOutcome> {
    const f = this.#faults;
    const delay = f.delayMs + (f.jitterMs > 0 ? Math.floor(this.#random() * f.jitterMs) : 0);
    if (delay > 0) await this.#sleep(delay, res);
    if (res.destroyed || res.writableEnded) return 'gone';
    if (f.timeoutRate > 0 && this.#random() < f.timeoutRate) {
      this.#held.add(res);
      res.once('close', () => this.#held.delete(res));
      return 'timeout';
    }
    if (f.errorRate > 0 && this.#random() < f.errorRate) return 'error';
    return 'proceed';
  }

  #sleep(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        res.off('close', done);
        this.#waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      res.once('close', done);
      this.#waiting.add(done);
    });
  }

  /** Ends every delay early and cuts every held request: called when the mock closes. */
  releaseAll(): void {
    for (const done of [...this.#waiting]) done();
    for (const res of [...this.#held]) res.destroy();
    this.#held.clear();
  }
}
