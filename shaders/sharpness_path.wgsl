// Sharpness readout (docs/model.md §8), thread-per-path layout: one thread reads one path's x
// from the state buffer and computes Hutchinson's trace and Lanczos' top eigenvalue with the
// problem's exact H·v (problem_hvp). Parameters, buffers and the tridiagonal solver:
// shaders/sharpness.wgsl; the twin: src/dynamics/twinSharpness.ts.

// Lanczos with full reorthogonalisation from the Threefry start vector; `slot` is the path's
// index in this dispatch (its place in the basis).
fn lanczos_top(x: Vec, path: u32, slot: u32) -> f32 {
  let stride = sharp.path_count;
  var q = v_normal(run.seed, STREAM_SHARPNESS_START, path, sharp.record, 0u, 0u);
  q = v_scale(1.0 / v_norm(q), q);
  var q_prev = v_zero();
  var beta_prev = 0.0;
  var k = 0u;
  for (var j = 0u; j < sharp.iterations; j++) {
    v_store_basis(j * D4 * stride + slot, stride, q);
    var w = problem_hvp(x, q);
    let size = v_norm(w);
    let a = v_dot(q, w);
    lanczos_alpha[j] = a;
    k = j + 1u;
    w = v_sub(w, v_axpy(a, q, v_scale(beta_prev, q_prev)));
    for (var i = 0u; i <= j; i++) {
      let u = v_load_basis(i * D4 * stride + slot, stride);
      w = v_axpy(-v_dot(u, w), u, w);
    }
    let b = v_norm(w);
    if (k == sharp.iterations || b <= LANCZOS_BREAKDOWN * size) { break; }
    lanczos_beta[j] = b;
    beta_prev = b;
    q_prev = q;
    q = v_scale(1.0 / b, w);
  }
  return tridiagonal_top(k);
}

@compute @workgroup_size(WG)
fn sharpness(@builtin(global_invocation_id) gid: vec3u) {
  let slot = gid.x;
  if (slot >= sharp.path_count) { return; }
  let p = sharp.path_base + slot;
  let out_at = sharp.out_offset + p;
  // A diverged path is excluded by the reduction's mask; its values are never read.
  if (diverged_at[sharp.status_offset + p] <= sharp.step) {
    sharpness_out[out_at] = 0.0;
    sharpness_out[out_at + run.paths] = 0.0;
    return;
  }
  let path = run.path_offset + p;
  let x = v_load_state(sharp.state_offset + p, run.paths);
  var trace = 0.0;
  for (var probe = 0u; probe < sharp.probes; probe++) {
    let v = v_rademacher(run.seed, STREAM_SHARPNESS_PROBE, path, sharp.record, probe);
    trace += v_dot(v, problem_hvp(x, v));
  }
  sharpness_out[out_at] = trace / f32(sharp.probes);
  sharpness_out[out_at + run.paths] = lanczos_top(x, path, slot);
}
