// Entry points of the simulation: thread-per-path layout for problems of small dimension.
// The time loop is fused: one dispatch advances a chunk of paths by many steps, keeping the
// state in registers; the state buffer is touched once per dispatch. Observables are written
// per recorded step into an observation window that shaders/reduce.wgsl reduces over paths.

override WG: u32 = 64;

// State layout: lane group b of path p at state_offset + b·P + p (coalesced across paths).
fn load_state(p: u32) -> Vec {
  var x: Vec;
  for (var b = 0u; b < D4; b++) { x[b] = state[dispatch.state_offset + b * run.paths + p]; }
  return x;
}

fn store_state(p: u32, x: Vec) {
  for (var b = 0u; b < D4; b++) { state[dispatch.state_offset + b * run.paths + p] = x[b]; }
}

// SPEC section 4 observables.
fn record(p: u32, slot: u32, x: Vec) {
  let norm = v_norm(x);
  store_observables(p, slot, problem_loss(x), norm, v_norm(problem_grad(x)));
}

fn has_diverged(x: Vec) -> bool {
  return norm_diverged(v_norm(x));
}

@compute @workgroup_size(WG)
fn init_state(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= run.paths) { return; }
  var x: Vec;
  if (run.x0_normal == 1u) {
    x = v_scale(run.x0_std, v_normal(run.x0_seed, STREAM_X0, run.path_offset + p, 0u, 0u, 0u));
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
