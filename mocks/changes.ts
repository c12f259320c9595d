// Record versions and change events. Every record starts at phienBan 1 with a deterministic past
// capNhatLuc; a touch bumps it in memory and publishes an event to the Server-Sent Events stream.
import type { ServerResponse } from 'node:http';
import { baseUpdatedAt } from './data/person.ts';

export interface Version {
  readonly phienBan: number;
  readonly capNhatLuc: string;
}

export interface ChangeEvent extends Version {
  readonly loai: string;
  readonly ma: string;
}

/** How often an idle event stream gets a comment line, so proxies keep it open. */
export const KEEP_ALIVE_MS = 15_000;

export class ChangeLog {
  readonly #versions = new Map<string, Version>();
  readonly #streams = new Set<ServerResponse>();
  readonly #clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.#clock = clock;
  }

  version(loai: string, ma: string): Version {
    return this.#versions.get(`${loai}:${ma}`) ?? { phienBan: 1, capNhatLuc: baseUpdatedAt(loai, ma) };
  }

  /** The record with its version fields appended. */
  stamp<T extends object>(loai: string, ma: string, record: T): T & Version {
    return { ...record, ...this.version(loai, ma) };
  }

  /** Marks a record changed: phienBan + 1, capNhatLuc now; publishes the event. */
  touch(loai: string, ma: string): ChangeEvent {
    return this.#publish(loai, ma, this.version(loai, ma).phienBan + 1);
  }

  /** Records a new record (phienBan 1, capNhatLuc now) and publishes the event. */
  created(loai: string, ma: string): ChangeEvent {
    return this.#publish(loai, ma, 1);
  }

  #publish(loai: string, ma: string, phienBan: number): ChangeEvent {
    const version = { phienBan, capNhatLuc: this.#clock().toISOString() };
    this.#versions.set(`${loai}:${ma}`, version);
    const event: ChangeEvent = { loai, ma, ...version };
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of this.#streams) res.write(line);
    return event;
  }

  /** Turns the response into an event stream until the client leaves or the log closes. */
  serve(res: ServerResponse, keepAliveMs: number = KEEP_ALIVE_MS): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    this.#streams.add(res);
    const timer = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
    timer.unref();
    res.once('close', () => {
      clearInterval(timer);
      this.#streams.delete(res);
    });
  }

  streamCount(): number {
    return this.#streams.size;
  }

  /** Ends every open stream (the mock is closing). */
  closeStreams(): void {
    for (const res of [...this.#streams]) res.end();
    this.#streams.clear();
  }
}
