// How the Node process waits for dawn.node (docs/architecture.md, "Waiting for the GPU in Node").
//
// dawn.node resolves its promises (mapAsync, onSubmittedWorkDone, pipeline creation) by
// polling: while any is pending, its AsyncRunner calls globalThis.setImmediate with a native
// tick that processes Dawn's events and queues itself again. So a wait spins the Node thread
// at 100 % of a core. On a CPU adapter (SwiftShader) that core is taken from the adapter's own
// worker threads: on a 2-core machine a 1.5 s dispatch took 2.1 s wall and 4.1–4.3 CPU-s with
// the spin, 1.5 s and 2.9 CPU-s with this throttle (bench/RESULTS.md, "Issue 10, fifth pass").
//
// The throttle passes the binding's ticks on at once for the first SPIN_MS of a wait (short
// waits keep their latency), then one tick per NAP_MS through setTimeout, so the event loop
// sleeps in between. It adds at most ~NAP_MS to a wait that outlasts SPIN_MS. The binding
// looks setImmediate up on the global object at every tick, which is what makes this work;
// every other caller of setImmediate is passed through untouched.

/** 'throttled': the binding's ticks nap after SPIN_MS of a wait; 'spin': dawn.node's own polling. */
export type DawnPolling = 'throttled' | 'spin';

const SPIN_MS = 2;
const NAP_MS = 1;
/** Ticks further apart than this belong to different waits. */
const NEW_WAIT_GAP_MS = 25;

let mode: DawnPolling = 'throttled';
let installed = false;

/**
 * dawn.node's tick: an anonymous native function of no parameters, queued without arguments.
 * User code's callbacks are JavaScript functions; bound functions are native but named
 * "bound …"; a promise's resolve function (`new Promise((r) => setImmediate(r))`) is native and
 * anonymous but takes one parameter.
 */
export function isDawnTick(callback: unknown, args: unknown[]): callback is () => void {
  return (
    typeof callback === 'function' &&
    callback.name === '' &&
    callback.length === 0 &&
    args.length === 0 &&
    Function.prototype.toString.call(callback).includes('[native code]')
  );
}

/** When each tick of a wait runs: at once for the wait's first SPIN_MS, then after NAP_MS. */
export class TickPacer {
  private waitStart = -Infinity;
  private lastTick = -Infinity;

  /** The delay (ms) for a tick queued at `now`; 0 means setImmediate. */
  delayAt(now: number): number {
    if (now - this.lastTick > NEW_WAIT_GAP_MS) this.waitStart = now;
    this.lastTick = now;
    return now - this.waitStart < SPIN_MS ? 0 : NAP_MS;
  }
}

/** Installs the throttle on globalThis.setImmediate (once) and selects the polling mode. */
export function setDawnPolling(next: DawnPolling): void {
  mode = next;
  if (installed) return;
  installed = true;
  const immediate = globalThis.setImmediate;
  const pacer = new TickPacer();
  const throttled = function (callback: unknown, ...args: unknown[]) {
    if (mode === 'spin' || !isDawnTick(callback, args)) {
      return immediate(callback as (...a: unknown[]) => void, ...args);
    }
    const delay = pacer.delayAt(performance.now());
    if (delay === 0) return immediate(callback);
    // The binding ignores the handle; a Timeout stands in for the Immediate.
    return setTimeout(callback, delay) as unknown as NodeJS.Immediate;
  };
  // Keeps setImmediate's util.promisify form, which lives on the original function.
  Object.assign(throttled, immediate);
  globalThis.setImmediate = throttled as typeof globalThis.setImmediate;
}

export function dawnPolling(): DawnPolling {
  return mode;
}
