// SPEC.md section 5, `quadratic`: f = ½ (x-x*)ᵀ H (x-x*), g = H(x-x*), H·v exact.
// H is stored as 4·D4 rows of D4 vec4 (rows and columns zero-padded), so H·v is vec4 work
// and writes whole lanes. Small problems keep H in a uniform buffer (a broadcast read on GPUs,
// registers on SwiftShader); large ones in storage.

struct QuadraticData {
  h: array<vec4f, 4u * D4 * D4>,
  minimizer: Vec,
}

#if ${problemInUniform}
@group(1) @binding(0) var<uniform> problem: QuadraticData;
#else
@group(1) @binding(0) var<storage, read> problem: QuadraticData;
#endif

fn problem_hvp(x: Vec, v: Vec) -> Vec {
  var out: Vec;
  for (var r = 0u; r < D4; r++) {
    var rows = array<vec4f, 4>(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
    for (var b = 0u; b < D4; b++) {
      let vb = v[b];
      rows[0] += problem.h[(4u * r) * D4 + b] * vb;
      rows[1] += problem.h[(4u * r + 1u) * D4 + b] * vb;
      rows[2] += problem.h[(4u * r + 2u) * D4 + b] * vb;
      rows[3] += problem.h[(4u * r + 3u) * D4 + b] * vb;
    }
    let ones = vec4f(1.0);
    out[r] = vec4f(dot(rows[0], ones), dot(rows[1], ones), dot(rows[2], ones), dot(rows[3], ones));
  }
  return out;
}

fn problem_grad(x: Vec) -> Vec {
  return problem_hvp(x, v_sub(x, problem.minimizer));
}

fn problem_loss(x: Vec) -> f32 {
  let e = v_sub(x, problem.minimizer);
  return 0.5 * v_dot(e, problem_hvp(x, e));
}
