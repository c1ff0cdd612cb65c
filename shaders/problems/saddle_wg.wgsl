// docs/model.md §5, `saddle`, in the workgroup-per-path layout (above the thread-per-path
// register budget; see shaders/problems/quadratic_wg.wgsl): f = ½ xᵀ diag(λ) x + (μ/4)‖x‖⁴,
// g = λ⊙x + μ‖x‖² x, H(x)·v = λ⊙v + μ(‖x‖² v + 2 x (x·v)), with shaders/problems/saddle.wgsl's
// arithmetic in the same order. Every product is element-wise but for ‖x‖² and x·v, workgroup
// sums; the point and the direction stay in each thread's own slice. The dimension, one
// "sample" and no weight decay come from dataless_wg.wgsl.

struct SaddleData {
  lambda: array<vec4f, D4>,
  quartic: vec4f, // x = μ
}

@group(1) @binding(0) var<uniform> problem: SaddleData;

// This thread's lane groups of the point and the direction of the next pass.
var<private> saddle_point: Slice;
var<private> saddle_dir: Slice;

fn problem_set_point(x: ptr<private, Slice>) {
  s_copy(&saddle_point, x);
}

fn problem_set_dir(v: ptr<private, Slice>) {
  s_copy(&saddle_dir, v);
}

fn lambda_at(r: u32) -> vec4f {
  let b = lane_group(r);
  return select(vec4f(0.0), problem.lambda[min(b, D4 - 1u)], b < D4);
}

// out ← this thread's lane groups of g (gradient) or H·v (HVP, `along_dir`), given
// sums = (‖x‖², x·v).
fn saddle_rows(out: ptr<private, Slice>, along_dir: bool, sums: vec2f) {
  let mu = problem.quartic.x;
  for (var r = 0u; r < BPT; r++) {
    let x = saddle_point[r];
    let lambda = lambda_at(r);
    if (along_dir) {
      let v = saddle_dir[r];
      let ev = mu * sums.x * v + lambda * v;
      (*out)[r] = mu * 2.0 * sums.y * x + ev;
    } else {
      (*out)[r] = mu * sums.x * x + lambda * x;
    }
  }
}

// out0 into acc0, out1 (SAM-SDE's HVP) into acc1; with want_loss, f at the point.
// Call in uniform control flow.
fn problem_pass(p: PassSpec, want_loss: bool) -> f32 {
  var lxx = 0.0;
  for (var r = 0u; r < BPT; r++) {
    let x = saddle_point[r];
    let t = lambda_at(r) * x * x;
    lxx += t.x + t.y + t.z + t.w;
  }
  let sums = wg_sum4(vec4f(partial_dot(&saddle_point, &saddle_point), partial_dot(&saddle_point, &saddle_dir), lxx, 0.0));
  saddle_rows(&acc0, pass_has_directions() && is_hvp(p.out0), sums.xy);
  s_clear(&acc1);
  if (pass_has_second_output() && p.out1 != OUT_NONE) { saddle_rows(&acc1, is_hvp(p.out1), sums.xy); }
  if (!want_loss) { return 0.0; }
  return 0.5 * sums.z + 0.25 * problem.quartic.x * sums.x * sums.x;
}
