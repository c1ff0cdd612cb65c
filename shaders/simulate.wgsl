// Entry points of the simulation: thread-per-path layout for problems of small dimension.
// The time loop is fused: one dispatch advances a chunk of paths by many steps, keeping the
// state in registers; the state buffer is touched once per dispatch. Observables are written
// per recorded step into an observation window that shaders/reduce.wgsl reduces over paths.

struct DispatchParams {
  step_start: u32,     // first step k of this dispatch (advances k -> k+1)
  steps: u32,
  record_base: u32,    // record index of the window's slot 0
  record_initial: u32, // 1: also record the state before the first step (t = 0)
  state_offset: u32,   // this dynamics' region in `state` (in vec4)
  status_offset: u32,  // this dynamics' region in `diverged_at` and `guard_count`
  obs_offset: u32,     // this dynamics' region in `obs`
  _pad: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> run: RunParams;
@group(0) @binding(1) var<uniform> dispatch: DispatchParams;
@group(0) @binding(2) var<storage, read_write> state: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> diverged_at: array<u32>;
@group(0) @binding(4) var<storage, read_write> guard_count: array<u32>;
@group(0) @binding(5) var<storage, read_write> obs: array<f32>;
@group(0) @binding(6) var<storage, read> x0: array<vec4f>;

// State layout: lane group b of path p at state_offset + b·P + p (coalesced across paths).
fn load_state(p: u32) -> Vec {
  var x: Vec;
  for (var b = 0u; b < D4; b++) { x[b] = state[dispatch.state_offset + b * run.paths + p]; }
  return x;
}

fn store_state(p: u32, x: Vec) {
  for (var b = 0u; b < D4; b++) { state[dispatch.state_offset + b * run.paths + p] = x[b]; }
}

// SPEC section 4 observables; layout obs_offset + (observable·W + slot)·P + p.
fn record(p: u32, slot: u32, x: Vec) {
  let norm = v_norm(x);
  let grad_norm = v_norm(problem_grad(x));
  let stride = run.window * run.paths;
  let at = dispatch.obs_offset + slot * run.paths + p;
  obs[at] = problem_loss(x);
  obs[at + stride] = norm;
  obs[at + 2u * stride] = grad_norm;
  obs[at + 3u * stride] = norm + grad_norm;
}

// Frozen when non-finite or beyond divergeAbove (SPEC section 4): counted, never averaged in.
fn has_diverged(x: Vec) -> bool {
  let n = v_norm(x);
  return !is_finite_f32(n) || n > run.diverge_above;
}

@compute @workgroup_size(WG)
fn init_state(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= run.paths) { return; }
  var x: Vec;
  if (run.x0_normal == 1u) {
    x = v_scale(run.x0_std, v_normal(run.x0_seed, 3u, run.path_offset + p, 0u, 0u, 0u));
  } else {
    for (var b = 0u; b < D4; b++) { x[b] = x0[b]; }
  }
  store_state(p, x);
  diverged_at[dispatch.status_offset + p] = select(NONE, 0u, has_diverged(x));
  guard_count[dispatch.status_offset + p] = 0u;
}

@compute @workgroup_size(WG)
fn advance(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= run.paths) { return; }
  let path = run.path_offset + p;
  var x = load_state(p);
  var dead_at = diverged_at[dispatch.status_offset + p];
  var guards = guard_count[dispatch.status_offset + p];
  if (dispatch.record_initial == 1u) { record(p, 0u, x); }
  for (var s = 0u; s < dispatch.steps; s++) {
    let k = dispatch.step_start + s;
    if (dead_at == NONE) {
      x = dynamics_step(x, path, k, &guards);
      if (has_diverged(x)) { dead_at = k + 1u; }
    }
    if ((k + 1u) % run.record_every == 0u) {
      record(p, (k + 1u) / run.record_every - dispatch.record_base, x);
    }
  }
  store_state(p, x);
  diverged_at[dispatch.status_offset + p] = dead_at;
  guard_count[dispatch.status_offset + p] = guards;
}
