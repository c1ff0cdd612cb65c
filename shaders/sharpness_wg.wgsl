// Sharpness readout (docs/model.md §8), workgroup-per-path layout: workgroup i reads path
// sharp.path_base + i from the state buffer; every H·v is one full-batch network pass
// (problem_pass with the direction shared by all rows) plus the weight decay wd·v, since f
// includes (wd/2)‖x‖². The probes and the Lanczos steps share ONE call site of problem_pass
// (SwiftShader compiles seconds per inlined copy). Parameters, buffers and the tridiagonal
// solver: shaders/sharpness.wgsl; the twin: src/dynamics/twinSharpness.ts.

// Rademacher signs of one (stream, path, step, substep) in this thread's lane groups.
fn s_rademacher(seed: u32, stream: u32, path: u32, step: u32, substep: u32) -> Slice {
  var out = s_zero();
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) { out[r] = rademacher4(seed, stream, path, step, substep, b) * lane_mask(b); }
  }
  return out;
}

// Lanczos vector j of path slot `slot` (layout of shaders/sharpness.wgsl).
fn basis_at(j: u32, b: u32, slot: u32) -> u32 {
  let d4 = (problem_dim() + 3u) / 4u;
  return (j * d4 + b) * sharp.path_count + slot;
}

fn store_basis(j: u32, slot: u32, q: Slice) {
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) { sharpness_basis[basis_at(j, b, slot)] = q[r]; }
  }
}

fn load_basis(j: u32, slot: u32) -> Slice {
  let d4 = (problem_dim() + 3u) / 4u;
  var q = s_zero();
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) { q[r] = sharpness_basis[basis_at(j, b, slot)]; }
  }
  return q;
}

@compute @workgroup_size(WG)
fn sharpness(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  tid = lid;
  let slot = wid.x;
  if (slot >= sharp.path_count) { return; }
  let p = sharp.path_base + slot;
  let out_at = sharp.out_offset + p;
  // A diverged path is excluded by the reduction's mask; its values are never read.
  if (uniform_word(diverged_at[sharp.status_offset + p]) <= sharp.step) {
    if (tid == 0u) {
      sharpness_out[out_at] = 0.0;
      sharpness_out[out_at + run.paths] = 0.0;
    }
    return;
  }
  let path = run.path_offset + p;
  let d4 = (problem_dim() + 3u) / 4u;
  var x = s_zero();
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) { x[r] = state[sharp.state_offset + b * run.paths + p]; }
  }
  problem_set_point(x);
  let wd = problem_weight_decay();

  var trace = 0.0;
  // Lanczos state (docs/model.md §8): q_j, q_{j−1}, β_{j−1}, and k steps done.
  var q = s_normal(run.seed, STREAM_SHARPNESS_START, path, sharp.record, 0u, 0u);
  q = s_scale(1.0 / s_norm(q), q);
  var q_prev = s_zero();
  var beta_prev = 0.0;
  var k = 0u;
  var lanczos_done = false;
  // Passes 0..probes−1 are the probes, then one pass per Lanczos step.
  for (var it = 0u; it < sharp.probes + sharp.iterations; it++) {
    let probing = it < sharp.probes;
    if (!probing && lanczos_done) { break; }
    var v = q;
    if (probing) { v = s_rademacher(run.seed, STREAM_SHARPNESS_PROBE, path, sharp.record, it); }
    problem_set_dir(v);
    problem_pass(full_pass(path, 0u, 0u, DIR_SHARED, OUT_HVP, OUT_NONE), false);
    var w = s_axpy(wd, v, acc0);
    if (probing) {
      trace += s_dot(v, w);
    } else {
      let j = it - sharp.probes;
      store_basis(j, slot, q);
      let sums = s_dot2(w, w, q, w);
      let size = sqrt(sums.x);
      let a = sums.y;
      lanczos_alpha[j] = a;
      k = j + 1u;
      w = s_sub(w, s_axpy(a, q, s_scale(beta_prev, q_prev)));
      for (var i = 0u; i <= j; i++) {
        let u = load_basis(i, slot);
        w = s_axpy(-s_dot(u, w), u, w);
      }
      let b = s_norm(w);
      if (k == sharp.iterations || b <= LANCZOS_BREAKDOWN * size) {
        lanczos_done = true;
      } else {
        lanczos_beta[j] = b;
        beta_prev = b;
        q_prev = q;
        q = s_scale(1.0 / b, w);
      }
    }
  }
  let top = tridiagonal_top(k);
  if (tid == 0u) {
    sharpness_out[out_at] = trace / f32(sharp.probes);
    sharpness_out[out_at + run.paths] = top;
  }
}
