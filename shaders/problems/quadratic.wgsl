// docs/model.md §5, `quadratic`: f = ½ (x-x*)ᵀ H (x-x*), g = H(x-x*), H·v exact.
// H is stored as D4×D4 blocks of 4×4 (rows and columns zero-padded): block (r, c) is a
// mat4x4f whose column j holds H[4r..4r+3, 4c+j], so lane r of H·v is Σ_c block(r, c)·v_c,
// vec4 work with no horizontal sums. Small problems keep H in a uniform buffer (a broadcast
// read on GPUs, registers on SwiftShader); large ones in storage.

struct QuadraticData {
  h: array<mat4x4f, D4 * D4>,
  minimizer: Vec,
  // x = D4, read at run time as the looped H·v's bound: with a constant bound SwiftShader
  // unrolls the D4×D4 block loop at every inlined call site, and a d = 64 SAM-SDE pipeline
  // took 50 s to compile.
  lanes: vec4u,
}

#if ${problemInUniform}
@group(1) @binding(0) var<uniform> problem: QuadraticData;
#else
@group(1) @binding(0) var<storage, read> problem: QuadraticData;
#endif

#if ${loopHvp}
fn problem_hvp(x: Vec, v: Vec) -> Vec {
  let vl = v_lanes(v);
  var out: array<vec4f, D4>;
  let lanes = problem.lanes.x;
  for (var r = 0u; r < lanes; r++) {
    var acc = vec4f(0.0);
    for (var c = 0u; c < lanes; c++) { acc += problem.h[r * D4 + c] * vl[c]; }
    out[r] = acc;
  }
  return v_from_lanes(out);
}
#endif

fn problem_grad(x: Vec) -> Vec {
  return problem_hvp(x, v_sub(x, problem.minimizer));
}

// f at x from the gradient g = H(x − x*) already computed there: ½ (x − x*)ᵀ g, no H·v.
fn problem_loss_at(x: Vec, g: Vec) -> f32 {
  return 0.5 * v_dot(v_sub(x, problem.minimizer), g);
}
