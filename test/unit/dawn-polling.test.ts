// src/node/dawnPolling.ts: which setImmediate callbacks are dawn.node's ticks, when they run,
// and that every other callback is passed through unchanged.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isDawnTick, setDawnPolling, TickPacer } from '../../src/node/dawnPolling.js';

/** Stands in for dawn.node's tick: an anonymous function whose source reads "[native code]". */
function nativeAnonymous(body: () => void): () => void {
  return new Proxy([() => body()][0]!, {});
}

describe('dawn.node polling throttle', () => {
  afterAll(() => setDawnPolling('throttled'));

  it('recognises only anonymous native callbacks queued without arguments', () => {
    const tick = nativeAnonymous(() => {});
    expect(tick.name).toBe('');
    expect(isDawnTick(tick, [])).toBe(true);
    expect(isDawnTick(tick, [1])).toBe(false);
    expect(isDawnTick(function named() {}, [])).toBe(false);
    expect(isDawnTick([() => {}][0], [])).toBe(false); // anonymous, but JavaScript source
    expect(isDawnTick(function user() {}.bind(null), [])).toBe(false); // native, named "bound user"
    expect(isDawnTick('not a function', [])).toBe(false);
    let resolve: unknown;
    void new Promise<void>((r) => { resolve = r; });
    expect(isDawnTick(resolve, [])).toBe(false); // native and anonymous, but takes a value
  });

  it('spins for the first 2 ms of a wait, then naps 1 ms per tick; a gap starts a new wait', () => {
    const pacer = new TickPacer();
    expect(pacer.delayAt(1000)).toBe(0);
    expect(pacer.delayAt(1000.5)).toBe(0);
    expect(pacer.delayAt(1001.9)).toBe(0);
    expect(pacer.delayAt(1002.1)).toBe(1);
    expect(pacer.delayAt(1003.2)).toBe(1);
    expect(pacer.delayAt(1020)).toBe(1); // 16.8 ms after the last tick: the same wait
    expect(pacer.delayAt(1100)).toBe(0); // 80 ms later: a new wait
    expect(pacer.delayAt(1101)).toBe(0);
  });

  it('passes user callbacks and their arguments through, and naps ticks only when throttled', async () => {
    setDawnPolling('throttled');
    const seen: unknown[] = [];
    await new Promise<void>((done) => setImmediate((a: number, b: string) => { seen.push(a, b); done(); }, 1, 'x'));
    expect(seen).toEqual([1, 'x']);
    const naps: Record<string, number> = {};
    for (const mode of ['throttled', 'spin'] as const) {
      setDawnPolling(mode);
      const timeouts = vi.spyOn(globalThis, 'setTimeout');
      // A 10 ms wait, polled the way dawn.node polls: each tick queues the next.
      const end = performance.now() + 10;
      await new Promise<void>((done) => {
        const tick = nativeAnonymous(() => (performance.now() < end ? setImmediate(tick) : done()));
        setImmediate(tick);
      });
      naps[mode] = timeouts.mock.calls.length;
      timeouts.mockRestore();
    }
    expect(naps.throttled).toBeGreaterThan(0);
    expect(naps.throttled).toBeLessThanOrEqual(10);
    expect(naps.spin).toBe(0);
  });
});
