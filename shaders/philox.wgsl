// Philox4x32-10 and Box–Muller normals. SPEC.md section 3: draws are keyed by
// (seed, stream, path, step, substep); key = (seed, stream), counter = (path, step, substep, block).
// Bit-exact twin: src/rng/philox.ts.

// High and low 32 bits of a 32x32 -> 64-bit product. WGSL has no 64-bit integers, so the
// product is assembled from 16-bit halves.
fn philox_mulhilo(a: u32, b: u32) -> vec2u {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let lo_lo = a_lo * b_lo;
  let hi_lo = a_hi * b_lo;
  let lo_hi = a_lo * b_hi;
  let hi_hi = a_hi * b_hi;
  let cross = (lo_lo >> 16u) + (hi_lo & 0xffffu) + (lo_hi & 0xffffu);
  let hi = hi_hi + (hi_lo >> 16u) + (lo_hi >> 16u) + (cross >> 16u);
  return vec2u(hi, a * b);
}

fn philox4x32_10(counter: vec4u, key: vec2u) -> vec4u {
  var x = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let p0 = philox_mulhilo(0xd2511f53u, x.x);
    let p1 = philox_mulhilo(0xcd9e8d57u, x.z);
    x = vec4u(p1.x ^ x.y ^ k.x, p1.y, p0.x ^ x.w ^ k.y, p0.y);
    k = k + vec2u(0x9e3779b9u, 0xbb67ae85u);
  }
  return x;
}

// Four N(0,1) from one block: two Box–Muller pairs. u1 in (0,1] keeps log() finite.
fn normals_from_block(w: vec4u) -> vec4f {
  let u1 = vec2f((vec2u(w.x, w.z) >> vec2u(8u)) + vec2u(1u)) * 5.9604644775390625e-8;
  let u2 = vec2f(vec2u(w.y, w.w) >> vec2u(8u)) * 5.9604644775390625e-8;
  let r = sqrt(-2.0 * log(u1));
  let angle = 6.283185307179586 * u2;
  return vec4f(r.x * cos(angle.x), r.x * sin(angle.x), r.y * cos(angle.y), r.y * sin(angle.y));
}

fn normal4(seed: u32, stream: u32, path: u32, step: u32, substep: u32, block: u32) -> vec4f {
  return normals_from_block(philox4x32_10(vec4u(path, step, substep, block), vec2u(seed, stream)));
}
