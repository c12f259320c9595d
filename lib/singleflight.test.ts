import { describe, expect, it } from 'vitest';
import { createSingleFlight } from './singleflight.ts';

describe('createSingleFlight', () => {
  it('joins keys already in flight and loads only the others', async () => {
    const flight = createSingleFlight<string>();
    const loads: string[][] = [];
    const { promise: gate, resolve: open } = Promise.withResolvers<void>();
    const load = async (keys: string[]) => {
      loads.push(keys);
      await gate;
      return keys.map((k) => k.toUpperCase());
    };
    const first = flight.doMany(['a', 'b'], load);
    const second = flight.doMany(['b', 'c', 'c'], load);
    expect(flight.size()).toBe(3);
    open();
    expect(await first).toEqual(['A', 'B']);
    expect(await second).toEqual(['B', 'C', 'C']);
    expect(loads).toEqual([['a', 'b'], ['c']]);
    expect(flight.size()).toBe(0);
  });

  it('rejects every waiter of a failed load, then loads afresh', async () => {
    const flight = createSingleFlight<number>();
    const failing = flight.doMany(['k'], async () => {
      throw new Error('upstream down');
    });
    const joined = flight.doMany(['k'], async () => [2]);
    await expect(failing).rejects.toThrow('upstream down');
    await expect(joined).rejects.toThrow('upstream down');
    expect(await flight.doMany(['k'], async () => [3])).toEqual([3]);
  });

  it('survives a load that throws synchronously or returns the wrong count', async () => {
    const flight = createSingleFlight<number>();
    const sync = (() => {
      throw new Error('sync');
    }) as unknown as (keys: string[]) => Promise<number[]>;
    await expect(flight.doMany(['k'], sync)).rejects.toThrow('sync');
    await expect(flight.doMany(['k', 'j'], async () => [1])).rejects.toThrow('returned 1 values for 2 keys');
    expect(flight.size()).toBe(0);
  });
});
