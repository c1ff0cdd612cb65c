// docs/model.md §5, `quadratic`, in the workgroup-per-path layout: the form for dimensions above
// the thread-per-path register budget (REGISTER_DIM_MAX, src/simulate/registerVectors.ts), where
// one thread could not hold a path's vectors in registers. One workgroup advances one path and
// each thread owns lane groups b = tid + WG·r of every vector (shaders/slice.wgsl), so a
// vector costs a thread 4·BPT registers whatever d is. The pass interface is shaders/pass.wgsl's.
//
// H·v through workgroup memory: problem_set_point keeps e = x − x* and problem_set_dir the
// direction v in each thread's own lane groups; for each product the pass stages the vector in
// workgroup memory, and each thread forms its own rows of H·v, lane group b = Σ_c block(b, c)·v_c,
// reading every v_c from workgroup memory (the same address for every thread: a broadcast on
// GPUs) and its band of H from storage. H's blocks are shaders/problems/quadratic.wgsl's
// (packProblem), and the sum over c runs in the same order, so both layouts compute the same
// products. One staging array serves both outputs of a pass (SAM-SDE's gradient and HVP), one
// after the other: d = 4096 stages 16 KiB (largeProblemWorkgroupBytes).
// f = ½ eᵀ(He) from the gradient the pass already has. The dimension, one "sample" and no
// weight decay come from dataless_wg.wgsl.

struct QuadraticData {
  h: array<mat4x4f, D4 * D4>,
  minimizer: array<vec4f, D4>,
  // x = D4, the H·v loop's bound read at run time, as in quadratic.wgsl (a constant bound is
  // unrolled by SwiftShader).
  lanes: vec4u,
}

@group(1) @binding(0) var<storage, read> problem: QuadraticData;

// This thread's lane groups of e = x − x* and of the direction (zero beyond D4).
var<private> quadratic_point: Slice;
var<private> quadratic_dir: Slice;
// The vector of the product being formed, staged for every thread of the path (one region of
// D4 blocks per path slot).
var<workgroup> wg_vector: array<vec4f, SLOTS * D4>;
/**
 * With several path slots, H's blocks go through workgroup memory in tiles that every slot
 * shares: the rows of the WG lane groups b = t + WG·r (one r at a time) by TILE_COLS = SLOTS
 * column blocks, one block loaded by each thread of the workgroup. (One slot reads H directly.)
 */
const TILE_COLS: u32 = SLOTS;
var<workgroup> h_tile: array<mat4x4f, select(1u, WG * TILE_COLS, SLOTS > 1u)>;

fn problem_set_point(x: ptr<private, Slice>) {
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    quadratic_point[r] = select(vec4f(0.0), (*x)[r] - problem.minimizer[min(b, D4 - 1u)], b < D4);
  }
}

fn problem_set_dir(v: ptr<private, Slice>) {
  s_copy(&quadratic_dir, v);
}

// out ← this thread's lane groups of H·e (gradient) or H·v (HVP, `along_dir`). Call in uniform
// control flow: the first barrier keeps the previous product's readers ahead of the staging.
fn quadratic_rows(out: ptr<private, Slice>, along_dir: bool) {
  workgroupBarrier();
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < D4) { wg_vector[path_slot * D4 + b] = select(quadratic_point[r], quadratic_dir[r], along_dir); }
  }
  workgroupBarrier();
  let lanes = problem.lanes.x;
  let staged = path_slot * D4;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    var acc = vec4f(0.0);
    if (SLOTS == 1u) {
      if (b < D4) {
        for (var c = 0u; c < lanes; c++) { acc += problem.h[b * D4 + c] * wg_vector[staged + c]; }
      }
    } else {
      // The same products in the same order, c = 0, 1, …, each block read from the shared tile.
      let tile_row = group_tid / TILE_COLS;
      let row = tile_row + WG * r;
      for (var c0 = 0u; c0 < lanes; c0 += TILE_COLS) {
        let col = c0 + group_tid % TILE_COLS;
        workgroupBarrier();
        var block = mat4x4f();
        if (row < D4 && col < D4) { block = problem.h[row * D4 + col]; }
        h_tile[group_tid] = block;
        workgroupBarrier();
        if (b < D4) {
          for (var j = 0u; j < TILE_COLS && c0 + j < lanes; j++) { acc += h_tile[tid * TILE_COLS + j] * wg_vector[staged + c0 + j]; }
        }
      }
    }
    (*out)[r] = acc;
  }
}

// out0 into acc0, out1 (SAM-SDE's HVP) into acc1; with want_loss, f = ½ eᵀg (out0 is then the
// gradient g). Call in uniform control flow.
fn problem_pass(p: PassSpec, want_loss: bool) -> f32 {
  quadratic_rows(&acc0, pass_has_directions() && is_hvp(p.out0));
  s_clear(&acc1);
  if (pass_has_second_output() && p.out1 != OUT_NONE) { quadratic_rows(&acc1, is_hvp(p.out1)); }
  if (!want_loss) { return 0.0; }
  return 0.5 * s_dot(&quadratic_point, &acc0);
}
