// Entry points of the simulation, workgroup-per-path layout (DESIGN.md "Kernels"): workgroup
// w advances paths w·SLOTS … w·SLOTS + SLOTS − 1 of the dispatch (one per path slot, usually
// one); a path's threads share the problem's passes (shaders/pass.wgsl: the networks, and
// quadratics and saddles above d = 128) and hold its state in registers (shaders/slice.wgsl). Same bindings, state layout, observation layout and dispatch
// parameters as the thread-per-path entry points (shaders/simulate.wgsl), so one dispatch
// loop (src/simulate/runner.ts) drives both.

/**
 * Whether this slot holds a path of the chunk: the last workgroup's slots beyond run.paths run
 * with the last path's data and store nothing.
 */
var<private> path_active: bool;

// The path index p of this thread's slot for a workgroup whose slot 0 is `first` (< count).
fn slot_path(first: u32, count: u32) -> u32 {
  let p = first + path_slot;
  path_active = p < count;
  return min(p, count - 1u);
}

// State layout: lane group b of path p at state_offset + b·P + p (as shaders/simulate.wgsl).
// x_state's lane groups beyond d stay zero (private memory starts zeroed). The advance and the
// sharpness readout read their window of the state buffer at their own offset.
fn load_state(state_offset: u32, p: u32) {
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) { x_state[r] = state[state_offset + b * run.paths + p]; }
  }
}

fn store_state(p: u32) {
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) { state[dispatch.state_offset + b * run.paths + p] = x_state[r]; }
  }
}

// docs/model.md §4 observables (noise-free, full batch) from a record pass at x (acc0 holds
// the data gradient); layout obs_offset + (observable·W + slot)·P + p.
fn record_observables(p: u32, slot: u32, data_loss: f32) {
  let wd = problem_weight_decay();
  // The full gradient in v0 (free between steps): acc0 keeps the data gradient for the next
  // step's first pass (advance).
  s_axpy(&v0, wd, &x_state, &acc0);
  let sums = s_dot2(&x_state, &x_state, &v0, &v0);
  let norm = sqrt(sums.x);
  let grad_norm = sqrt(sums.y);
  if (tid == 0u) { store_observables(p, slot, data_loss + 0.5 * wd * sums.x, norm, grad_norm); }
}

// Call in uniform control flow.
fn has_diverged() -> bool {
  return norm_diverged(s_norm(&x_state));
}

@compute @workgroup_size(GROUP_SIZE)
fn init_state(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  set_thread(lid);
  let first = wid.x * SLOTS;
  if (first >= run.paths) { return; }
  let p = slot_path(first, run.paths);
  if (run.x0_normal == 1u) {
    s_normal(&x_state, false, run.x0_seed, STREAM_X0, run.path_offset + p, 0u, 0u, 0u);
    s_scale_to(&x_state, run.x0_std);
  } else {
    let d4 = (problem_dim() + 3u) / 4u;
    for (var r = 0u; r < BPT; r++) {
      let b = lane_group(r);
      if (b < d4) { x_state[r] = x0[b]; }
    }
  }
  if (path_active) { store_state(p); }
  let diverged = has_diverged();
  if (tid == 0u && path_active) {
    diverged_at[dispatch.status_offset + p] = select(NONE, 0u, diverged);
    guard_count[dispatch.status_offset + p] = 0u;
  }
}

// Iteration s = 0 only records the initial state (when asked); iteration s ≥ 1 advances
// step k = step_start + s − 1 by its substeps, then records when k + 1 is a recorded step.
// Every pass of the dispatch, the record's included, goes through the one call of
// problem_pass() below (SwiftShader compiles seconds per inlined copy). A record pass is the
// full-batch gradient at x, which is also the first pass of the next step in noise mode A
// (every dynamics but SAM-SDE, whose first pass adds an HVP): that pass reuses the record's
// output instead of sweeping the data again (the same sums in the same order, so the same
// bits), so a run that records every step costs 2 passes a step for USAM-SDE, not 3.
// The slots of a workgroup step in lockstep while any of its paths lives (the branches that
// hold barriers stay uniform); a dead path's steps change neither its state nor its guard
// count (path_alive), and it is recorded at its frozen state as before.
@compute @workgroup_size(GROUP_SIZE)
fn advance(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  set_thread(lid);
  let first = dispatch.path_base + wid.x * SLOTS;
  if (first >= run.paths) { return; }
  let p = slot_path(first, run.paths);
  let path = run.path_offset + p;
  pass_path = path;
  load_state(dispatch.state_offset, p);
  var dead_at = diverged_at[dispatch.status_offset + p];
  guard_hits = guard_count[dispatch.status_offset + p];
  let substeps = select(run.substeps, 1u, is_algorithm());
  // acc0 holds the data gradient at x_state from a record pass (uniform).
  var gradient_at_x = false;
  for (var s = 0u; s <= dispatch.steps; s++) {
    let k = dispatch.step_start + max(s, 1u) - 1u;
    path_alive = dead_at == NONE;
    let stepping = s > 0u && any_slot(path_alive);
    var recording = dispatch.record_initial == 1u;
    var slot = 0u;
    if (s > 0u) {
      recording = (k + 1u) % run.record_every == 0u;
      slot = (k + 1u) / run.record_every - dispatch.record_base;
    }
    let last = select(0u, substeps, stepping);
    for (var j = 0u; j <= last; j++) {
      let record_now = j == last;
      if (record_now && !recording) { break; }
      if (!record_now) { substep_start(); }
      let phases = select(phase_count(), 1u, record_now);
      for (var ph = 0u; ph < phases; ph++) {
        var spec = no_pass();
        if (record_now) {
          problem_set_point(&x_state);
          spec = full_pass(0u, 0u, DIR_NONE, OUT_GRAD, OUT_NONE);
        } else {
          spec = phase_begin(ph, path, k, j);
        }
        if (spec.rows > 0u) {
          let plain_gradient = spec.batch_stream == NONE && spec.direction == DIR_NONE && spec.out0 == OUT_GRAD
            && spec.out1 == OUT_NONE;
          // Phase 0 of a step sets the point x_state; the record's pass was the same sweep there.
          let reuse = gradient_at_x && !record_now && ph == 0u && plain_gradient;
          var data_loss = 0.0;
          if (!reuse) { data_loss = problem_pass(spec, record_now); }
          gradient_at_x = record_now;
          if (record_now) { record_observables(p, slot, data_loss); } else { phase_end(ph, path, k, j); }
        }
      }
      if (!record_now) {
        substep_finish();
        gradient_at_x = false;
      }
    }
    if (stepping) {
      let diverged = has_diverged();
      if (path_alive && diverged) { dead_at = k + 1u; }
    }
  }
  if (path_active) { store_state(p); }
  if (tid == 0u && path_active) {
    diverged_at[dispatch.status_offset + p] = dead_at;
    guard_count[dispatch.status_offset + p] = guard_hits;
  }
}
