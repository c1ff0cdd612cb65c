// Philox4x32-10 and Box–Muller normals. docs/model.md §3: draws are keyed by
// (seed, stream, path, step, substep); key = (seed, stream), counter = (path, step, substep, block).
// Bit-exact twin: src/rng/philox.ts.

// High and low 32 bits of a 32x32 -> 64-bit product. WGSL has no 64-bit integers, so the
// product is assembled from its four 16x16-bit partial products (none of the sums below can
// overflow 32 bits); the low word comes from them too, saving a fifth multiply.
fn philox_mulhilo(a: u32, b: u32) -> vec2u {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let lo_lo = a_lo * b_lo;
  let t = a_lo * b_hi + (lo_lo >> 16u);
  let u = a_hi * b_lo + (t & 0xffffu);
  return vec2u(a_hi * b_hi + (t >> 16u) + (u >> 16u), (u << 16u) | (lo_lo & 0xffffu));
}

fn philox_round(x: vec4u, k: vec2u) -> vec4u {
  let p0 = philox_mulhilo(0xd2511f53u, x.x);
  let p1 = philox_mulhilo(0xcd9e8d57u, x.z);
  return vec4u(p1.x ^ x.y ^ k.x, p1.y, p0.x ^ x.w ^ k.y, p0.y);
}

// Ten rounds written out, with the key schedule k_r = key + r·(0x9e3779b9, 0xbb67ae85).
fn philox4x32_10(counter: vec4u, key: vec2u) -> vec4u {
  let w = vec2u(0x9e3779b9u, 0xbb67ae85u);
  var x = philox_round(counter, key);
  x = philox_round(x, key + w);
  x = philox_round(x, key + 2u * w);
  x = philox_round(x, key + 3u * w);
  x = philox_round(x, key + 4u * w);
  x = philox_round(x, key + 5u * w);
  x = philox_round(x, key + 6u * w);
  x = philox_round(x, key + 7u * w);
  x = philox_round(x, key + 8u * w);
  return philox_round(x, key + 9u * w);
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
  return normals_from_block(philox4x32_10(vec4u(path, step, substep, block), vec2u(seed, stream)));
}

// Four Rademacher signs (±1) from one block: −1 where the word's top bit is set
// (docs/model.md §8; src/dynamics/twinSharpness.ts is the twin).
fn rademacher4(seed: u32, stream: u32, path: u32, step: u32, substep: u32, block: u32) -> vec4f {
  let w = philox4x32_10(vec4u(path, step, substep, block), vec2u(seed, stream));
  return select(vec4f(1.0), vec4f(-1.0), (w >> vec4u(31u)) == vec4u(1u));
}
