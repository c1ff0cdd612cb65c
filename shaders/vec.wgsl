// Vectors of the problem's dimension, as ceil(D/4) vec4 lanes: the arithmetic is vec4
// arithmetic (what both GPUs and SwiftShader's SIMD lanes want) and one Threefry block fills
// one lane group. Padding lanes (index >= D) are kept at exactly zero.
// This is the loop form, for dimensions above REGISTER_DIM_MAX: a Vec is an array indexed by
// loop variables, which lives in memory. Smaller dimensions use the register form generated
// by src/simulate/registerVectors.ts, which defines the same functions with the same
// arithmetic. D is a template value, not an `override`: WGSL needs a const-expression for the
// length of a function-scope array.

const D: u32 = ${dim}u;
const D4: u32 = ${dim4}u;
// Lanes of the last vec4 that hold real coordinates.
const TAIL_MASK: vec4f = vec4f(${tailMask});

alias Vec = array<vec4f, D4>;

fn v_zero() -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = vec4f(0.0); }
  return out;
}

// a·x + y
fn v_axpy(a: f32, x: Vec, y: Vec) -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = a * x[b] + y[b]; }
  return out;
}

fn v_scale(a: f32, x: Vec) -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = a * x[b]; }
  return out;
}

fn v_add(x: Vec, y: Vec) -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = x[b] + y[b]; }
  return out;
}

fn v_sub(x: Vec, y: Vec) -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = x[b] - y[b]; }
  return out;
}

fn v_mul(x: Vec, y: Vec) -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = x[b] * y[b]; }
  return out;
}

fn v_dot(x: Vec, y: Vec) -> f32 {
  var acc = vec4f(0.0);
  for (var b = 0u; b < D4; b++) { acc += x[b] * y[b]; }
  return acc.x + acc.y + acc.z + acc.w;
}

fn v_norm(x: Vec) -> f32 {
  return sqrt(v_dot(x, x));
}

// Standard normals of one (stream, path, step, substep), blocks first_block.. (docs/model.md §3).
fn v_normal(seed: u32, stream: u32, path: u32, step: u32, substep: u32, first_block: u32) -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = normal4(seed, stream, path, step, substep, first_block + b); }
  out[D4 - 1u] = out[D4 - 1u] * TAIL_MASK;
  return out;
}

// Lane group b of a vector at base + b·stride of the state buffer (coalesced across paths).
fn v_load_state(base: u32, stride: u32) -> Vec {
  var x: Vec;
  for (var b = 0u; b < D4; b++) { x[b] = state[base + b * stride]; }
  return x;
}

fn v_store_state(base: u32, stride: u32, x: Vec) {
  for (var b = 0u; b < D4; b++) { state[base + b * stride] = x[b]; }
}

fn v_load_x0() -> Vec {
  var x: Vec;
  for (var b = 0u; b < D4; b++) { x[b] = x0[b]; }
  return x;
}

// docs/model.md §8: a Rademacher probe of one (stream, path, step, substep), and the Lanczos
// basis of shaders/sharpness.wgsl (lane group b of a vector at base + b·stride).
fn v_rademacher(seed: u32, stream: u32, path: u32, step: u32, substep: u32) -> Vec {
  var out: Vec;
  for (var b = 0u; b < D4; b++) { out[b] = rademacher4(seed, stream, path, step, substep, b); }
  out[D4 - 1u] = out[D4 - 1u] * TAIL_MASK;
  return out;
}

fn v_load_basis(base: u32, stride: u32) -> Vec {
  var x: Vec;
  for (var b = 0u; b < D4; b++) { x[b] = sharpness_basis[base + b * stride]; }
  return x;
}

fn v_store_basis(base: u32, stride: u32, x: Vec) {
  for (var b = 0u; b < D4; b++) { sharpness_basis[base + b * stride] = x[b]; }
}

// The lanes as an array, for loops over them (the looped H·v), and back: the same thing here.
fn v_lanes(v: Vec) -> array<vec4f, D4> {
  return v;
}

fn v_from_lanes(a: array<vec4f, D4>) -> Vec {
  return a;
}
