// Sharpness readout (docs/model.md §8), workgroup-per-path layout: workgroup i reads path
// sharp.path_base + i from the state buffer; every H·v is one full-batch problem pass
// (problem_pass with the direction shared by all rows) plus the weight decay wd·v, since f
// includes (wd/2)‖x‖². The probes and the Lanczos steps share ONE call site of problem_pass
// (SwiftShader compiles seconds per inlined copy). Parameters, buffers and the tridiagonal
// solver: shaders/sharpness.wgsl; the twin: src/dynamics/twinSharpness.ts.

// The readout's vectors (private, so the slice helpers take them by pointer): the probe or
// Lanczos direction v, its product w = Hv, the Lanczos vectors q_j and q_{j−1}, and a stored
// basis vector u.
var<private> lz_v: Slice;
var<private> lz_w: Slice;
var<private> lz_q: Slice;
var<private> lz_q_prev: Slice;
var<private> lz_u: Slice;

// out ← the Rademacher signs of one (stream, path, step, substep) in this thread's lane groups.
fn s_rademacher(out: ptr<private, Slice>, seed: u32, stream: u32, path: u32, step: u32, substep: u32) {
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    var z = vec4f(0.0);
    if (b < d4) { z = rademacher4(seed, stream, path, step, substep, b) * lane_mask(b); }
    (*out)[r] = z;
  }
}

// Lanczos vector j of path slot `slot` (layout of shaders/sharpness.wgsl).
fn basis_at(j: u32, b: u32, slot: u32) -> u32 {
  let d4 = (problem_dim() + 3u) / 4u;
  return (j * d4 + b) * sharp.path_count + slot;
}

fn store_basis(j: u32, slot: u32, q: ptr<private, Slice>) {
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) { sharpness_basis[basis_at(j, b, slot)] = (*q)[r]; }
  }
}

// out ← basis vector j (lane groups beyond d: zero).
fn load_basis(out: ptr<private, Slice>, j: u32, slot: u32) {
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    var q = vec4f(0.0);
    if (b < d4) { q = sharpness_basis[basis_at(j, b, slot)]; }
    (*out)[r] = q;
  }
}

// The path slots of a workgroup run the probes and the Lanczos steps in lockstep until every
// slot's Lanczos run has ended (any_slot): a slot whose run ended, whose path diverged, or that
// lies beyond the dispatch's paths goes on computing but stores nothing and keeps its k.
@compute @workgroup_size(GROUP_SIZE)
fn sharpness(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  set_thread(lid);
  let first = wid.x * SLOTS;
  if (first >= sharp.path_count) { return; }
  let slot = min(first + path_slot, sharp.path_count - 1u);
  let in_dispatch = first + path_slot < sharp.path_count;
  let p = sharp.path_base + slot;
  let out_at = sharp.out_offset + p;
  // A diverged path is excluded by the reduction's mask; its values are never read.
  let excluded = diverged_at[sharp.status_offset + p] <= sharp.step;
  if (!any_slot(!excluded)) {
    if (tid == 0u && in_dispatch) {
      sharpness_out[out_at] = 0.0;
      sharpness_out[out_at + run.paths] = 0.0;
    }
    return;
  }
  let path = run.path_offset + p;
  pass_path = path;
  load_state(sharp.state_offset, p);
  problem_set_point(&x_state);
  let wd = problem_weight_decay();

  var trace = 0.0;
  // Lanczos state (docs/model.md §8): q_j, q_{j−1}, β_{j−1}, and k steps done.
  s_normal(&lz_q, false, run.seed, STREAM_SHARPNESS_START, path, sharp.record, 0u, 0u);
  s_scale_to(&lz_q, 1.0 / s_norm(&lz_q));
  var beta_prev = 0.0;
  var k = 0u;
  var lanczos_done = excluded;
  // Passes 0..probes−1 are the probes, then one pass per Lanczos step.
  for (var it = 0u; it < sharp.probes + sharp.iterations; it++) {
    let probing = it < sharp.probes;
    if (!probing && !any_slot(!lanczos_done)) { break; }
    if (probing) {
      s_rademacher(&lz_v, run.seed, STREAM_SHARPNESS_PROBE, path, sharp.record, it);
    } else {
      s_copy(&lz_v, &lz_q);
    }
    problem_set_dir(&lz_v);
    problem_pass(full_pass(0u, 0u, DIR_SHARED, OUT_HVP, OUT_NONE), false);
    s_axpy(&lz_w, wd, &lz_v, &acc0);
    if (probing) {
      trace += s_dot(&lz_v, &lz_w);
    } else {
      let j = it - sharp.probes;
      let stepping = !lanczos_done;
      if (stepping && in_dispatch) { store_basis(j, slot, &lz_q); }
      let sums = s_dot2(&lz_w, &lz_w, &lz_q, &lz_w);
      let size = sqrt(sums.x);
      let a = sums.y;
      if (stepping) {
        lanczos_alpha[j] = a;
        k = j + 1u;
      }
      // w ← w − (a·q + β·q_prev), with v (no longer needed) holding the bracket.
      s_scale(&lz_v, beta_prev, &lz_q_prev);
      s_axpy_to(&lz_v, a, &lz_q);
      s_axpy_to(&lz_w, -1.0, &lz_v);
      for (var i = 0u; i <= j; i++) {
        load_basis(&lz_u, i, slot);
        s_axpy_to(&lz_w, -s_dot(&lz_u, &lz_w), &lz_u);
      }
      let b = s_norm(&lz_w);
      if (stepping) {
        if (k == sharp.iterations || b <= LANCZOS_BREAKDOWN * size) {
          lanczos_done = true;
        } else {
          lanczos_beta[j] = b;
          beta_prev = b;
          s_copy(&lz_q_prev, &lz_q);
          s_scale(&lz_q, 1.0 / b, &lz_w);
        }
      }
    }
  }
  let top = tridiagonal_top(k);
  if (tid == 0u && in_dispatch) {
    sharpness_out[out_at] = select(trace / f32(sharp.probes), 0.0, excluded);
    sharpness_out[out_at + run.paths] = select(top, 0.0, excluded);
  }
}
