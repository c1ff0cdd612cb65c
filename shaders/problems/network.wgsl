// SPEC.md section 5, `mlp`, `teacher-student`, `deep-linear`: one hidden layer without biases,
// f = (1/N) Σ_n ℓ(act(x_n W1) W2, y_n) + (wd/2)‖x‖², for the workgroup-per-path layout.
// Float64 twin and the formulas: src/problems/network.ts. Parameters: W1 (n_in × h,
// row-major) at x[i·h + j], then W2 (h × n_out, row-major) at x[n_in·h + j·n_out + k].
//
// One problem_pass() sweeps the pass's rows (all samples, or a mini-batch drawn with
// replacement) in tiles of T rows. The point lives in wg_point and the HVP direction in
// wg_dir (workgroup memory, read by every thread); per tile
//   rows   one thread per row: a = x_n W1, s = act(a), z = s W2, ℓ, e = ∂ℓ/∂z,
//          δ = (W2 e) act'(a), and the R-op of all of it along V (forward mode over the
//          hand-written backward pass): R(a), R(z), R(e) = ℓ''R(z), R(δ);
//   sums   each thread its own coordinates: Σ over the tile's rows, into acc0 / acc1.
// The data terms only: the callers add the weight decay where the weights sum to one.
// Up to two outputs per pass, each a gradient or an HVP, weighted 1/rows or by ζ_n − ζ̄
// (mode B's per-sample noise weights, SPEC section 3).

struct NetHeader {
  inputs: u32,
  hidden: u32,
  outputs: u32,
  samples: u32,
  activation: u32,   // 0 linear, 1 sigmoid
  loss: u32,         // 0 softmax cross-entropy, 1 logistic (y = ±1), 2 squared
  tile_rows: u32,    // T
  dim: u32,
  x_at: u32,         // offsets in `values`: features (N × n_in), targets (N × n_out),
  target_at: u32,    // and ‖x_n‖² (N)
  norm_at: u32,
  _pad0: u32,
  loss_scale: f32,   // squared loss: ℓ = (loss_scale/2)‖z − y‖²
  weight_decay: f32,
  _pad1: f32,
  _pad2: f32,
}

struct NetData {
  header: NetHeader,
  values: array<f32>,
}

@group(1) @binding(0) var<storage, read> net: NetData;

const TILE_CAP: u32 = ${tileCapacity}u;     // ≥ T·h (sized from the workgroup memory left)
const OUT_CAP: u32 = ${outputCapacity}u;    // ≥ T·n_out

const DIR_NONE: u32 = 0u;
const DIR_SHARED: u32 = 1u;       // V_n = wg_dir
const DIR_SELF_MINUS: u32 = 2u;   // V_n = ∇ℓ_n − wg_dir

const OUT_NONE: u32 = 0u;
const OUT_GRAD: u32 = 1u;         // Σ_n (1/rows) ∇ℓ_n
const OUT_HVP: u32 = 2u;          // Σ_n (1/rows) ∇²ℓ_n V_n
const OUT_GRAD_ZETA: u32 = 3u;    // Σ_n (ζ_n − ζ̄) ∇ℓ_n
const OUT_HVP_ZETA: u32 = 4u;     // Σ_n (ζ_n − ζ̄) ∇²ℓ_n V_n

struct PassSpec {
  rows: u32,
  batch_stream: u32,  // NONE: row r is sample r; else row r is drawn from this Philox stream
  seed: u32,
  path: u32,
  step: u32,
  substep: u32,
  first_block: u32,   // batch draws: row r uses block first_block + r/4, word r mod 4
  zeta_stream: u32,   // ζ_n: normal n of (seed, zeta_stream; path, step, substep)
  direction: u32,
  out0: u32,
  out1: u32,
}

var<workgroup> wg_point: array<f32, D_CAP>;
var<workgroup> wg_dir: array<f32, D_CAP>;
var<workgroup> t_s: array<f32, TILE_CAP>;    // s = act(a), row-major T × h
var<workgroup> t_ra: array<f32, TILE_CAP>;   // R(a)
var<workgroup> t_a0: array<f32, TILE_CAP>;   // output 0's W1 factor: ωδ (gradient) or ωR(δ) (HVP)
var<workgroup> t_a1: array<f32, TILE_CAP>;
var<workgroup> t_e: array<f32, OUT_CAP>;     // z, then e = ∂ℓ/∂z, row-major T × n_out
var<workgroup> t_re: array<f32, OUT_CAP>;    // R(e)
var<workgroup> t_b0: array<f32, OUT_CAP>;    // output 0's W2 factor of s: ωe or ωR(e)
var<workgroup> t_b1: array<f32, OUT_CAP>;
var<workgroup> t_c0: array<f32, OUT_CAP>;    // output 0's W2 factor of R(s) (HVP): ωe
var<workgroup> t_c1: array<f32, OUT_CAP>;
var<workgroup> t_row: array<u32, WG>;        // sample index of each tile row

/** The pass outputs, this thread's coordinates. */
var<private> acc0: Slice;
var<private> acc1: Slice;
/**
 * ζ̄ for the ζ-weighted outputs, set by the caller (a private value only feeds arithmetic,
 * so the pass's control flow stays uniform).
 */
var<private> pass_zeta_mean: f32;

fn problem_dim() -> u32 {
  return net.header.dim;
}

fn problem_samples() -> u32 {
  return net.header.samples;
}

fn problem_weight_decay() -> f32 {
  return net.header.weight_decay;
}

// The point and the direction of the next pass (the pass's first barrier publishes them).
fn problem_set_point(x: Slice) {
  for (var r = 0u; r < BPT; r++) {
    let at = 4u * lane_group(r);
    wg_point[at] = x[r].x;
    wg_point[at + 1u] = x[r].y;
    wg_point[at + 2u] = x[r].z;
    wg_point[at + 3u] = x[r].w;
  }
}

fn problem_set_dir(v: Slice) {
  for (var r = 0u; r < BPT; r++) {
    let at = 4u * lane_group(r);
    wg_dir[at] = v[r].x;
    wg_dir[at + 1u] = v[r].y;
    wg_dir[at + 2u] = v[r].z;
    wg_dir[at + 3u] = v[r].w;
  }
}

fn activate(a: f32) -> f32 {
  if (net.header.activation == 1u) { return 1.0 / (1.0 + exp(-a)); }
  return a;
}

// act'(a) and act''(a) from s = act(a).
fn act1(s: f32) -> f32 {
  if (net.header.activation == 1u) { return s * (1.0 - s); }
  return 1.0;
}

fn act2(s: f32) -> f32 {
  if (net.header.activation == 1u) { return s * (1.0 - s) * (1.0 - 2.0 * s); }
  return 0.0;
}

fn is_zeta(kind: u32) -> bool {
  return kind == OUT_GRAD_ZETA || kind == OUT_HVP_ZETA;
}

fn is_hvp(kind: u32) -> bool {
  return kind == OUT_HVP || kind == OUT_HVP_ZETA;
}

fn is_grad(kind: u32) -> bool {
  return kind == OUT_GRAD || kind == OUT_GRAD_ZETA;
}

// Row r's sample: r itself, or uniform with replacement: the high word of w·N for the
// Philox word w (src/dynamics/batches.ts is the twin).
fn row_sample(p: PassSpec, r: u32) -> u32 {
  if (p.batch_stream == NONE) { return r; }
  let words = philox4x32_10(vec4u(p.path, p.step, p.substep, p.first_block + r / 4u), vec2u(p.seed, p.batch_stream));
  return philox_mulhilo(words[r % 4u], net.header.samples).x;
}

// ℓ of tile row t (sample n); turns t_e's z into e = ∂ℓ/∂z in place.
fn loss_and_residual(t: u32, n: u32) -> f32 {
  let no = net.header.outputs;
  let at = t * no;
  let y_at = net.header.target_at + n * no;
  if (net.header.loss == 0u) {
    var top = t_e[at];
    for (var k = 1u; k < no; k++) { top = max(top, t_e[at + k]); }
    var sum = 0.0;
    for (var k = 0u; k < no; k++) { sum += exp(t_e[at + k] - top); }
    var loss = top + log(sum);
    for (var k = 0u; k < no; k++) {
      let z = t_e[at + k];
      let y = net.values[y_at + k];
      loss -= y * z;
      t_e[at + k] = exp(z - top) / sum - y;
    }
    return loss;
  }
  if (net.header.loss == 1u) {
    let y = net.values[y_at];
    let minus_margin = -y * t_e[at];
    t_e[at] = -y / (1.0 + exp(-minus_margin));
    return max(minus_margin, 0.0) + log(1.0 + exp(-abs(minus_margin)));
  }
  let c = net.header.loss_scale;
  var loss = 0.0;
  for (var k = 0u; k < no; k++) {
    let r = t_e[at + k] - net.values[y_at + k];
    t_e[at + k] = c * r;
    loss += r * r;
  }
  return 0.5 * c * loss;
}

// t_re ← ℓ''(z) t_re for tile row t, from e and y (softmax: p = e + y; logistic: |e| = σ(−yz),
// so ℓ'' = |e|(1 − |e|); squared: ℓ'' = c).
fn apply_curvature(t: u32, n: u32) {
  let no = net.header.outputs;
  let at = t * no;
  if (net.header.loss == 0u) {
    let y_at = net.header.target_at + n * no;
    var pr = 0.0;
    for (var k = 0u; k < no; k++) { pr += (t_e[at + k] + net.values[y_at + k]) * t_re[at + k]; }
    for (var k = 0u; k < no; k++) { t_re[at + k] = (t_e[at + k] + net.values[y_at + k]) * (t_re[at + k] - pr); }
  } else if (net.header.loss == 1u) {
    let p = abs(t_e[at]);
    t_re[at] = p * (1.0 - p) * t_re[at];
  } else {
    for (var k = 0u; k < no; k++) { t_re[at + k] = net.header.loss_scale * t_re[at + k]; }
  }
}

// Tile row t: sample n = row_sample(p, n0 + t) through the forward pass, the backward pass
// and its R-op, all by one thread; writes the row's factors of every output into the tile
// arrays and returns its weighted loss.
fn process_row(p: PassSpec, r: u32, t: u32) -> f32 {
  let ni = net.header.inputs;
  let h = net.header.hidden;
  let no = net.header.outputs;
  let w2_at = ni * h;
  let has_dir = p.direction != DIR_NONE;
  let self_minus = p.direction == DIR_SELF_MINUS;
  let valid = r < p.rows;
  let n = select(0u, row_sample(p, r), valid);
  t_row[t] = n;
  let wu = select(0.0, 1.0 / f32(p.rows), valid);
  var wz = 0.0;
  if ((is_zeta(p.out0) || is_zeta(p.out1)) && valid) {
    wz = normal4(p.seed, p.zeta_stream, p.path, p.step, p.substep, n / 4u)[n % 4u] - pass_zeta_mean;
  }
  let w0 = select(wu, wz, is_zeta(p.out0));
  let w1 = select(wu, wz, is_zeta(p.out1));
  let row = net.header.x_at + n * ni;
  let sh = t * h;
  let so = t * no;
  // a = x_n W1, s = act(a); R(a) = x_n V1.
  for (var j = 0u; j < h; j++) {
    var a = 0.0;
    var ra = 0.0;
    if (has_dir) {
      for (var i = 0u; i < ni; i++) {
        let xi = net.values[row + i];
        a += xi * wg_point[i * h + j];
        ra += xi * wg_dir[i * h + j];
      }
    } else {
      for (var i = 0u; i < ni; i++) { a += net.values[row + i] * wg_point[i * h + j]; }
    }
    t_s[sh + j] = activate(a);
    t_ra[sh + j] = ra;
  }
  // z = s W2, then ℓ and e = ∂ℓ/∂z (in place).
  for (var k = 0u; k < no; k++) {
    var z = 0.0;
    for (var j = 0u; j < h; j++) { z += t_s[sh + j] * wg_point[w2_at + j * no + k]; }
    t_e[so + k] = z;
  }
  let loss = loss_and_residual(t, n);
  // δ = (W2 e) act'(a): gradient outputs take ωδ; self-minus: R(a) = ‖x_n‖²δ − x_n V1.
  let norm2 = net.values[net.header.norm_at + n];
  for (var j = 0u; j < h; j++) {
    var b = 0.0;
    for (var k = 0u; k < no; k++) { b += wg_point[w2_at + j * no + k] * t_e[so + k]; }
    let delta = b * act1(t_s[sh + j]);
    if (is_grad(p.out0)) { t_a0[sh + j] = w0 * delta; }
    if (is_grad(p.out1)) { t_a1[sh + j] = w1 * delta; }
    if (self_minus) { t_ra[sh + j] = norm2 * delta - t_ra[sh + j]; }
  }
  // R(z) = (act'(a)R(a)) W2 + s V2 (self-minus: ‖s‖²e − s V2), R(e) = ℓ''R(z).
  if (has_dir) {
    var s2 = 0.0;
    for (var j = 0u; j < h; j++) { s2 += t_s[sh + j] * t_s[sh + j]; }
    for (var k = 0u; k < no; k++) {
      var from_w2 = 0.0;
      var from_v2 = 0.0;
      for (var j = 0u; j < h; j++) {
        let s = t_s[sh + j];
        from_w2 += act1(s) * t_ra[sh + j] * wg_point[w2_at + j * no + k];
        from_v2 += s * wg_dir[w2_at + j * no + k];
      }
      t_re[so + k] = select(from_w2 + from_v2, from_w2 + s2 * t_e[so + k] - from_v2, self_minus);
    }
    apply_curvature(t, n);
  }
  // The W2 factors: of s (ωe, or ωR(e) for an HVP) and of R(s) (ωe, HVP only).
  for (var k = 0u; k < no; k++) {
    let e = t_e[so + k];
    let re = t_re[so + k];
    t_b0[so + k] = w0 * select(e, re, is_hvp(p.out0));
    t_b1[so + k] = w1 * select(e, re, is_hvp(p.out1));
    t_c0[so + k] = w0 * e;
    t_c1[so + k] = w1 * e;
  }
  // R(b) = V2 e + W2 R(e) (self-minus: s‖e‖² − V2 e + W2 R(e)),
  // R(δ) = R(b) act'(a) + b act''(a) R(a): HVP outputs take ωR(δ).
  if (has_dir) {
    var e2 = 0.0;
    for (var k = 0u; k < no; k++) { e2 += t_e[so + k] * t_e[so + k]; }
    for (var j = 0u; j < h; j++) {
      var b = 0.0;
      var v2e = 0.0;
      var w2re = 0.0;
      for (var k = 0u; k < no; k++) {
        let e = t_e[so + k];
        let w = wg_point[w2_at + j * no + k];
        b += w * e;
        v2e += wg_dir[w2_at + j * no + k] * e;
        w2re += w * t_re[so + k];
      }
      let s = t_s[sh + j];
      let rb = select(v2e, s * e2 - v2e, self_minus) + w2re;
      let rdelta = rb * act1(s) + b * act2(s) * t_ra[sh + j];
      if (is_hvp(p.out0)) { t_a0[sh + j] = w0 * rdelta; }
      if (is_hvp(p.out1)) { t_a1[sh + j] = w1 * rdelta; }
    }
  }
  return wu * loss;
}

// One sweep over the pass's rows in tiles of T: each thread t < T takes one row
// (process_row), then each thread sums its own coordinates over the tile's rows. Two
// barriers per tile (barriers dominate on SwiftShader, where each costs a switch of every
// SIMD group of the workgroup). acc0/acc1 receive the outputs. Returns Σ_rows ℓ/rows when
// want_loss (a workgroup sum), else 0. Call in uniform control flow.
fn problem_pass(p: PassSpec, want_loss: bool) -> f32 {
  let ni = net.header.inputs;
  let h = net.header.hidden;
  let no = net.header.outputs;
  let T = min(net.header.tile_rows, p.rows);
  let d = net.header.dim;
  let w2_at = ni * h;
  let x_at = net.header.x_at;
  let hvp0 = is_hvp(p.out0);
  let hvp1 = is_hvp(p.out1);
  let two = p.out1 != OUT_NONE;
  acc0 = s_zero();
  acc1 = s_zero();
  var loss_part = 0.0;
  for (var n0 = 0u; n0 < p.rows; n0 += T) {
    workgroupBarrier();
    if (tid < T) { loss_part += process_row(p, n0 + tid, tid); }
    workgroupBarrier();
    // This thread's coordinates, summed over the tile's rows.
    for (var r = 0u; r < BPT; r++) {
      let base = 4u * lane_group(r);
      if (base >= d) { continue; }
      var v0 = acc0[r];
      var v1 = acc1[r];
      for (var l = 0u; l < 4u; l++) {
        let c = base + l;
        if (c >= d) { break; }
        var sum0 = 0.0;
        var sum1 = 0.0;
        if (c < w2_at) {
          let i = c / h;
          let j = c - i * h;
          if (two) {
            for (var t = 0u; t < T; t++) {
              let xv = net.values[x_at + t_row[t] * ni + i];
              sum0 += xv * t_a0[t * h + j];
              sum1 += xv * t_a1[t * h + j];
            }
          } else {
            for (var t = 0u; t < T; t++) { sum0 += net.values[x_at + t_row[t] * ni + i] * t_a0[t * h + j]; }
          }
        } else {
          let j = (c - w2_at) / no;
          let k = (c - w2_at) - j * no;
          for (var t = 0u; t < T; t++) {
            let s = t_s[t * h + j];
            let rs = act1(s) * t_ra[t * h + j];
            sum0 += s * t_b0[t * no + k];
            if (hvp0) { sum0 += rs * t_c0[t * no + k]; }
            if (two) {
              sum1 += s * t_b1[t * no + k];
              if (hvp1) { sum1 += rs * t_c1[t * no + k]; }
            }
          }
        }
        v0[l] += sum0;
        v1[l] += sum1;
      }
      acc0[r] = select(vec4f(0.0), v0, vec4<bool>(p.out0 != OUT_NONE));
      acc1[r] = select(vec4f(0.0), v1, vec4<bool>(p.out1 != OUT_NONE));
    }
  }
  if (!want_loss) { return 0.0; }
  return wg_sum4(vec4f(loss_part, 0.0, 0.0, 0.0)).x;
}
