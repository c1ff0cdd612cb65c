// Entry points of the simulation: thread-per-path layout for problems of small dimension.
// The time loop is fused: one dispatch advances a chunk of paths by many steps, keeping the
// state in registers; the state buffer is touched once per dispatch. Observables are written
// per recorded step into an observation window that shaders/reduce.wgsl reduces over paths.
// Bindings, parameters and the observable writer: shaders/run.wgsl.

override WG: u32 = 64;

// docs/model.md §4 observables at x, from what the step already computed: g = ∇f(x) and ‖x‖.
fn record(p: u32, slot: u32, x: Vec, g: Vec, norm: f32) {
  store_observables(p, slot, problem_loss_at(x, g), norm, v_norm(g));
}

@compute @workgroup_size(WG)
fn init_state(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= run.paths) { return; }
  var x: Vec;
  if (run.x0_normal == 1u) {
    x = v_scale(run.x0_std, v_normal(run.x0_seed, STREAM_X0, run.path_offset + p, 0u, 0u, 0u));
  } else {
    x = v_load_x0();
  }
  v_store_state(dispatch.state_offset + p, run.paths, x);
  diverged_at[dispatch.status_offset + p] = select(NONE, 0u, norm_diverged(v_norm(x)));
  guard_count[dispatch.status_offset + p] = 0u;
}

@compute @workgroup_size(WG)
fn advance(@builtin(global_invocation_id) gid: vec3u) {
  let p = dispatch.path_base + gid.x;
  if (p >= run.paths) { return; }
  let path = run.path_offset + p;
  var x = v_load_state(dispatch.state_offset + p, run.paths);
  var g = problem_grad(x);
  var norm = v_norm(x);
  var dead_at = diverged_at[dispatch.status_offset + p];
  var guards = guard_count[dispatch.status_offset + p];
  if (dispatch.record_initial == 1u) { record(p, 0u, x, g, norm); }
  for (var s = 0u; s < dispatch.steps; s++) {
    let k = dispatch.step_start + s;
    if (dead_at == NONE) {
      // One gradient per step: at the new point, for the next step and the record alike.
      x = dynamics_step(x, g, path, k, &guards);
      g = problem_grad(x);
      norm = v_norm(x);
      if (norm_diverged(norm)) { dead_at = k + 1u; }
    }
    if ((k + 1u) % run.record_every == 0u) {
      record(p, (k + 1u) / run.record_every - dispatch.record_base, x, g, norm);
    }
  }
  v_store_state(dispatch.state_offset + p, run.paths, x);
  diverged_at[dispatch.status_offset + p] = dead_at;
  guard_count[dispatch.status_offset + p] = guards;
}
