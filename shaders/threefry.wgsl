// Threefry4x32-20 and Box–Muller normals. docs/model.md §3.6: draws are keyed by
// (seed, stream, path, step, substep); key = (seed, stream, 0, 0), counter = (path, step, substep, block).
// Bit-exact twin: src/rng/threefry.ts.

// Threefry4x32 (Salmon et al., SC 2011; Random123's threefry.h): add/rotate/xor only. WGSL has
// no 64-bit integers, so Philox's 32×32→64 products cost four 16-bit multiplies each; on
// SwiftShader this generator draws the same normals' worth of bits about 1.5× faster in the
// kernels (bench/RESULTS.md, "Issue 10, fourth pass").
fn rotl32(x: u32, r: u32) -> u32 {
  return (x << r) | (x >> (32u - r));
}

// One round: even rounds mix (x0, x1) and (x2, x3), odd rounds (x0, x3) and (x2, x1).
fn threefry_even(x: vec4u, r0: u32, r1: u32) -> vec4u {
  let a = x.x + x.y;
  let c = x.z + x.w;
  return vec4u(a, rotl32(x.y, r0) ^ a, c, rotl32(x.w, r1) ^ c);
}

fn threefry_odd(x: vec4u, r0: u32, r1: u32) -> vec4u {
  let a = x.x + x.w;
  let c = x.z + x.y;
  return vec4u(a, rotl32(x.y, r1) ^ c, c, rotl32(x.w, r0) ^ a);
}

// Four rounds with rotation constants R[4h..4h+3] (h = 0 or 1).
fn threefry_four(x: vec4u, h: bool) -> vec4u {
  if (h) {
    return threefry_odd(threefry_even(threefry_odd(threefry_even(x, 6u, 20u), 17u, 11u), 25u, 10u), 18u, 20u);
  }
  return threefry_odd(threefry_even(threefry_odd(threefry_even(x, 10u, 26u), 11u, 21u), 13u, 27u), 23u, 5u);
}

// Twenty rounds; the key (k0, k1, 0, 0) and its parity word k4 = 0x1BD11BDA ⊕ k0 ⊕ k1 are
// injected before round 1 and after every fourth round, with the injection count s on word 3.
fn threefry4x32_20(counter: vec4u, key: vec2u) -> vec4u {
  let k4 = 0x1bd11bdau ^ key.x ^ key.y;
  var x = counter + vec4u(key.x, key.y, 0u, 0u);
  x = threefry_four(x, false) + vec4u(key.y, 0u, 0u, k4 + 1u);
  x = threefry_four(x, true) + vec4u(0u, 0u, k4, key.x + 2u);
  x = threefry_four(x, false) + vec4u(0u, k4, key.x, key.y + 3u);
  x = threefry_four(x, true) + vec4u(k4, key.x, key.y, 4u);
  return threefry_four(x, false) + vec4u(key.x, key.y, 0u, 5u);
}

// High 32 bits of a 32x32 -> 64-bit product (mode B's uniform indices, ⌊w·N/2^32⌋), from
// four 16x16-bit partial products: WGSL has no 64-bit integers.
fn mul_hi(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let t = a_lo * b_hi + ((a_lo * b_lo) >> 16u);
  let u = a_hi * b_lo + (t & 0xffffu);
  return a_hi * b_hi + (t >> 16u) + (u >> 16u);
}

// cos and sin of 2π·u for u in [0, 1), to ~1 ulp of f32 on every GPU: WGSL promises only
// 2^-11 absolute accuracy for its sin/cos (SwiftShader's error here was 2e-4), which would make
// the normals differ from the float64 twin and between vendors. Quarter turns are exact; the
// remainder θ ∈ [-π/4, π/4) uses Taylor polynomials (truncation error < 2e-9).
fn cos_sin_turns(u: f32) -> vec2f {
  let quarter = floor(u * 4.0);
  let theta = (u * 4.0 - quarter - 0.5) * 1.5707963267948966;
  let t2 = theta * theta;
  let s = theta * (1.0 + t2 * (-1.0 / 6.0 + t2 * (1.0 / 120.0 + t2 * (-1.0 / 5040.0 + t2 * (1.0 / 362880.0)))));
  let c = 1.0 + t2 * (-0.5 + t2 * (1.0 / 24.0 + t2 * (-1.0 / 720.0 + t2 * (1.0 / 40320.0 + t2 * (-1.0 / 3628800.0)))));
  // Angle = quarter·π/2 + π/4 + θ: first add the eighth turn, then rotate by quarter turns.
  // Selects, not a switch: lanes of a SIMD group take different quarters, and a branch-free
  // rotation costs less than divergent control flow (the numbers are the same).
  let e = vec2f(c - s, c + s) * 0.7071067811865476;
  let q = u32(quarter);
  let odd = vec2f(-e.y, e.x);
  let rotated = select(e, odd, (q & 1u) == 1u);
  return select(rotated, -rotated, q >= 2u);
}

// -2·log(u) for u = k·2^-24, k in [1, 2^24]. Near u = 1 the builtin log's error (2^-21
// absolute) would dominate the small radius, so there log(u) = 2·atanh(s), s = (u-1)/(u+1),
// is summed as a series with 1-u formed exactly from the integer (|s| ≤ 1/3, error < 1e-9).
fn minus_two_log(k: u32) -> f32 {
  // Both forms are evaluated and one is selected: half the lanes take each, so a branch would
  // run both anyway, with divergence on top.
  let near_zero = -2.0 * log(f32(k) * 5.9604644775390625e-8);
  let v = f32(0x1000000u - k) * 5.9604644775390625e-8;
  let s = v / (2.0 - v);
  let s2 = s * s;
  let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 / 17.0)))))));
  return select(4.0 * s * series, near_zero, k <= 0x800000u);
}

// Four N(0,1) from one block: two Box–Muller pairs. u1 in (0,1] keeps log() finite.
fn normals_from_block(w: vec4u) -> vec4f {
  let k1 = (vec2u(w.x, w.z) >> vec2u(8u)) + vec2u(1u);
  let u2 = vec2f(vec2u(w.y, w.w) >> vec2u(8u)) * 5.9604644775390625e-8;
  let r = sqrt(vec2f(minus_two_log(k1.x), minus_two_log(k1.y)));
  let a = cos_sin_turns(u2.x);
  let b = cos_sin_turns(u2.y);
  return vec4f(r.x * a.x, r.x * a.y, r.y * b.x, r.y * b.y);
}

fn normal4(seed: u32, stream: u32, path: u32, step: u32, substep: u32, block: u32) -> vec4f {
  return normals_from_block(threefry4x32_20(vec4u(path, step, substep, block), vec2u(seed, stream)));
}

// Four Rademacher signs (±1) from one block: −1 where the word's top bit is set
// (docs/model.md §8; src/dynamics/twinSharpness.ts is the twin).
fn rademacher4(seed: u32, stream: u32, path: u32, step: u32, substep: u32, block: u32) -> vec4f {
  let w = threefry4x32_20(vec4u(path, step, substep, block), vec2u(seed, stream));
  return select(vec4f(1.0), vec4f(-1.0), (w >> vec4u(31u)) == vec4u(1u));
}
