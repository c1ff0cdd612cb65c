// What every simulation kernel shares, in both layouts (thread-per-path: shaders/simulate.wgsl,
// workgroup-per-path: shaders/simulate_wg.wgsl): the run and dispatch parameters, the
// dynamics ids and random streams (docs/model.md §3), and the bindings of group 0. One dispatch
// loop (src/simulate/runner.ts) writes them for both.

override DYNAMICS: u32;
const SGD: u32 = 0u;
const USAM: u32 = 1u;
const DNSAM: u32 = 2u;
const SAM: u32 = 3u;
const SGD_SDE: u32 = 4u;
const USAM_SDE: u32 = 5u;
const DNSAM_SDE: u32 = 6u;
const SAM_SDE: u32 = 7u;
const USAM_DRIFT: u32 = 8u;
const DNSAM_DRIFT: u32 = 9u;
const SAM_DRIFT: u32 = 10u;
/** DYNAMICS of the pipelines that advance no dynamics (the sharpness readout): they may ask for every part of a pass. */
const READOUT: u32 = 11u;

const STREAM_SDE: u32 = 0u;
const STREAM_ALGORITHM: u32 = 1u;
const STREAM_SAM_INNER: u32 = 2u;
const STREAM_X0: u32 = 3u;
const STREAM_BATCH: u32 = 6u;
const STREAM_SHARPNESS_PROBE: u32 = 7u;  // docs/model.md §8: Hutchinson's Rademacher probes
const STREAM_SHARPNESS_START: u32 = 8u;  // docs/model.md §8: Lanczos' start vectors

struct RunParams {
  eta: f32,
  rho: f32,
  sigma: f32,
  dt: f32,            // η / m
  sqrt_eta_dt: f32,   // sqrt(η Δt)
  inv_sqrt_m: f32,
  diverge_above: f32,
  guard_eps: f32,
  seed: u32,
  substeps: u32,
  sam_inner: u32,
  coupling_shared: u32,
  paths: u32,         // paths in this chunk
  path_offset: u32,   // global index of the chunk's first path
  record_every: u32,
  window: u32,        // records per observation window
  x0_normal: u32,     // 1: x0 = std·N(0, I) from x0_seed; 0: x0 = the x0 buffer
  x0_seed: u32,
  x0_std: f32,
  batch_size: u32,    // 0: mode A; B: mode B (workgroup layout only)
}

struct DispatchParams {
  step_start: u32,     // first step k of this dispatch (advances k -> k+1)
  steps: u32,
  record_base: u32,    // record index of the window's slot 0
  record_initial: u32, // 1: also record the state before the first step (t = 0)
  state_offset: u32,   // this dynamics' region in `state` (in vec4)
  status_offset: u32,  // this dynamics' region in `diverged_at` and `guard_count`
  obs_offset: u32,     // this dynamics' region in `obs`
  path_base: u32,      // first path of this dispatch within the chunk (src/simulate/dispatchSize.ts)
}

@group(0) @binding(0) var<uniform> run: RunParams;
@group(0) @binding(1) var<uniform> dispatch: DispatchParams;
// State layout: lane group b of path p at state_offset + b·P + p (coalesced across paths).
@group(0) @binding(2) var<storage, read_write> state: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> diverged_at: array<u32>;
@group(0) @binding(4) var<storage, read_write> guard_count: array<u32>;
// Observables (docs/model.md §4) at obs_offset + (observable·W + slot)·P + p.
@group(0) @binding(5) var<storage, read_write> obs: array<f32>;
@group(0) @binding(6) var<storage, read> x0: array<vec4f>;

// Writes the four observables of docs/model.md §4 of path p into slot `slot` of the window.
fn store_observables(p: u32, slot: u32, loss: f32, norm: f32, grad_norm: f32) {
  let stride = run.window * run.paths;
  let at = dispatch.obs_offset + slot * run.paths + p;
  obs[at] = loss;
  obs[at + stride] = norm;
  obs[at + 2u * stride] = grad_norm;
  obs[at + 3u * stride] = norm + grad_norm;
}

// Frozen when non-finite or beyond divergeAbove (docs/model.md §4): counted, never averaged in.
fn norm_diverged(norm: f32) -> bool {
  return !is_finite_f32(norm) || norm > run.diverge_above;
}
