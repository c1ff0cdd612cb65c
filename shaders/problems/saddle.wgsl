// SPEC.md section 5, `saddle`: f = ½ xᵀ diag(λ) x + (μ/4)‖x‖⁴.
// g = λ⊙x + μ‖x‖² x;  H(x)·v = λ⊙v + μ(‖x‖² v + 2 x (x·v)).

struct SaddleData {
  lambda: Vec,
  quartic: vec4f, // x = μ
}

@group(1) @binding(0) var<uniform> problem: SaddleData;

fn problem_grad(x: Vec) -> Vec {
  let mu_r2 = problem.quartic.x * v_dot(x, x);
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = problem.lambda[b] * x[b] + mu_r2 * x[b]; }
  return out;
}

fn problem_hvp(x: Vec, v: Vec) -> Vec {
  let mu = problem.quartic.x;
  let r2 = v_dot(x, x);
  let xv2 = 2.0 * v_dot(x, v);
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = problem.lambda[b] * v[b] + mu * (r2 * v[b] + xv2 * x[b]); }
  return out;
}

fn problem_loss(x: Vec) -> f32 {
  var acc = vec4f(0.0);
  for (var b = 0u; b < D4; b++) { acc += problem.lambda[b] * x[b] * x[b]; }
  let r2 = v_dot(x, x);
  return 0.5 * (acc.x + acc.y + acc.z + acc.w) + 0.25 * problem.quartic.x * r2 * r2;
}
