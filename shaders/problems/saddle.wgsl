// docs/model.md §5, `saddle`: f = ½ xᵀ diag(λ) x + (μ/4)‖x‖⁴.
// g = λ⊙x + μ‖x‖² x;  H(x)·v = λ⊙v + μ(‖x‖² v + 2 x (x·v)).

struct SaddleData {
  lambda: Vec,
  quartic: vec4f, // x = μ
}

@group(1) @binding(0) var<uniform> problem: SaddleData;

fn problem_grad(x: Vec) -> Vec {
  return v_axpy(problem.quartic.x * v_dot(x, x), x, v_mul(problem.lambda, x));
}

fn problem_hvp(x: Vec, v: Vec) -> Vec {
  let mu = problem.quartic.x;
  let ev = v_axpy(mu * v_dot(x, x), v, v_mul(problem.lambda, v));
  return v_axpy(mu * 2.0 * v_dot(x, v), x, ev);
}

// f at x (the gradient is not needed: f is cheaper than H·v here).
fn problem_loss_at(x: Vec, g: Vec) -> f32 {
  let r2 = v_dot(x, x);
  return 0.5 * v_dot(v_mul(problem.lambda, x), x) + 0.25 * problem.quartic.x * r2 * r2;
}
