// docs/model.md §5, `mlp`, `teacher-student`, `deep-linear`: one hidden layer without biases,
// f = (1/N) Σ_n ℓ(act(x_n W1) W2, y_n) + (wd/2)‖x‖², for the workgroup-per-path layout.
// Float64 twin and the formulas: src/problems/network.ts. Parameters: W1 (n_in × h,
// row-major) at x[i·h + j], then W2 (h × n_out, row-major) at x[n_in·h + j·n_out + k].
//
// One problem_pass() sweeps the pass's rows (all samples, or a mini-batch drawn with
// replacement). A path's WG threads form ROW_GROUPS groups of G = ROW_THREADS (1, 2 or
// 4, chosen per shape by src/simulate/kernelsWorkgroup.ts); group g takes rows g,
// g + ROW_GROUPS, … and each of its threads 1/G of the hidden units (HB blocks of four),
// holding only its own share of the weights (pw), of the direction (pv) and of the
// accumulators (acc_p0, acc_p1: private memory). For each row the group runs, in one go and
// sharing the activations, the forward pass, the backward pass and its R-op along the
// direction V (forward mode over the hand-written backward pass); the only sums over hidden
// units (the logits, R(z) and ‖s‖²) are group sums: subgroup quad operations where the device
// has subgroups, workgroup memory and barriers where not (the same sums in the same order,
// so the same bits). At the end of the pass the ROW_GROUPS partials of every coordinate are
// summed in group order through workgroup memory. Globally the weights are padded to
// HP4 = G·HB blocks of four hidden units: W1 block (i, b) at i·HP4 + b, W2 block (k, b) at
// W2_AT + k·HP4 + b; thread h of a group holds blocks h·HB … h·HB + HB − 1. The per-row code
// is generated for the network's shape so that every weight and accumulator access has a
// constant index.
// The data terms only: the callers add the weight decay where the weights sum to one.
// Up to two outputs per pass, each a gradient or an HVP, weighted 1/rows or by ζ_n − ζ̄
// (mode B's per-sample noise weights, docs/model.md §3).

struct NetHeader {
  inputs: u32,
  hidden: u32,
  outputs: u32,
  samples: u32,
  activation: u32,   // 0 linear, 1 sigmoid
  loss: u32,         // 0 softmax cross-entropy, 1 logistic (y = ±1), 2 squared
  tile_rows: u32,    // rows a pass takes at once (one per row group)
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

// The program's network shape (the header repeats it for the host).
const NI: u32 = ${netInputs}u;
const NH: u32 = ${netHidden}u;
const NO: u32 = ${netOutputs}u;
/** Blocks of four hidden units per thread of a row group, and in all (padded). */
const HB: u32 = ${netLaneBlocks}u;
const HP4: u32 = ${netPaddedBlocks}u;
const ACTIVATION: u32 = ${netActivation}u;
const LOSS: u32 = ${netLoss}u;
const W2_AT: u32 = NI * HP4;
/** vec4 blocks of the padded weights, and of one thread's share. */
const NW: u32 = (NI + NO) * HP4;
const NL: u32 = (NI + NO) * HB;
/** Threads that share a row (G), and the row groups of the workgroup. */
const ROW_THREADS: u32 = ${rowThreads}u;
const ROW_GROUPS: u32 = WG / ROW_THREADS;

// The point (blocks 0..NW−1) and the direction (NW..2NW−1) of the next pass, then the pass's
// partials (row group g's block c at g·NW + c): one array, since the pass copies the point
// and the direction to each thread's private memory before it writes partials.
// Zero-initialised (WGSL): the padding (hidden units ≥ h) only ever receives zeros (the
// point and direction never set it; its partials are 0 since s, δ and R(a) are 0 there).
// One such region per path slot, PART_STRIDE blocks each, from part_base().
const PART_STRIDE: u32 = max(2u, ROW_GROUPS) * NW;
var<workgroup> wg_part: array<vec4f, SLOTS * PART_STRIDE>;
/**
 * Each thread's copies of its share of the point and the direction, read in the loop over
 * rows. On a software adapter every workgroup-memory access is a per-lane gather while a
 * private array read at a constant index is one vector load: copying once per pass is ~30×
 * cheaper than reading per row.
 */
var<private> pw: array<vec4f, NL>;
var<private> pv: array<vec4f, NL>;
/** 1 for this thread's hidden units below h, 0 for the padding. */
var<private> hidden_mask: array<vec4f, HB>;
/** This thread's place in its row group (its hidden units) and its group (its rows); set per pass. */
var<private> row_lane: u32;
var<private> row_group: u32;
/**
 * A point or a direction was set since the last pass (uniform). A pass without a new point
 * (a dynamics' second HVP at the same x) keeps the copy it has: wg_part no longer holds it.
 */
var<private> point_set: bool;
var<private> dir_set: bool;

/** This thread's sums over its group's rows, its share of the weights. */
var<private> acc_p0: array<vec4f, NL>;
var<private> acc_p1: array<vec4f, NL>;

fn problem_dim() -> u32 {
  return net.header.dim;
}

// This thread's path slot's region of wg_part.
fn part_base() -> u32 {
  return path_slot * PART_STRIDE;
}

fn problem_samples() -> u32 {
  return net.header.samples;
}

fn problem_weight_decay() -> f32 {
  return net.header.weight_decay;
}

// Where coordinate q of x lives in the padded layout: (vec4 block, lane).
fn padded_slot(q: u32) -> vec2u {
  if (q < NI * NH) {
    let i = q / NH;
    let j = q - i * NH;
    return vec2u(i * HP4 + j / 4u, j % 4u);
  }
  let j = (q - NI * NH) / NO;
  let k = (q - NI * NH) - j * NO;
  return vec2u(W2_AT + k * HP4 + j / 4u, j % 4u);
}

// Where this thread's block c (its share: c = row·HB + lb) lives in the padded layout.
fn shared_block(c: u32) -> u32 {
  let row = c / HB;
  return row * HP4 + row_lane * HB + (c - row * HB);
}

#if ${subgroups}
// Row groups of 2 or 4 are pairs or whole quads of a subgroup (invocations 4m..4m+3). The
// roles come from the quad operations themselves: the quad lane is where this thread's index
// (among its path's threads) sits among its quad's, the quad is 0 for the one holding the
// path's thread 0 (WG = 8: two quads a path). With one path a workgroup nothing ties subgroup
// invocations to local_invocation_index; with several path slots a quad must hold threads of
// one path, as it does wherever quads are local indices 4m..4m+3 (every implementation known).
fn set_row_roles() {
  if (ROW_THREADS == 1u) {
    row_lane = 0u;
    row_group = tid;
    return;
  }
  let first = min(min(quadBroadcast(tid, 0u), quadBroadcast(tid, 1u)), min(quadBroadcast(tid, 2u), quadBroadcast(tid, 3u)));
  let lane = select(select(select(3u, 2u, quadBroadcast(tid, 2u) == tid), 1u, quadBroadcast(tid, 1u) == tid), 0u,
    quadBroadcast(tid, 0u) == tid);
  let quad = select(1u, 0u, first == 0u);
  row_lane = lane % ROW_THREADS;
  row_group = quad * (4u / ROW_THREADS) + lane / ROW_THREADS;
}

// v0 + v1 for pairs, (v0 + v1) + (v2 + v3) for quads, on every lane (addition commutes, so
// all lanes agree bit for bit).
fn row_sum(v: vec4f) -> vec4f {
  if (ROW_THREADS == 1u) { return v; }
  let pair = v + quadSwapX(v);
  if (ROW_THREADS == 2u) { return pair; }
  return pair + quadSwapY(pair);
}
#else
var<workgroup> row_red: array<vec4f, GROUP_SIZE>;

fn set_row_roles() {
  row_lane = tid % ROW_THREADS;
  row_group = tid / ROW_THREADS;
}

// The same sums as the subgroup form's, through workgroup memory. Call in uniform control flow.
fn row_sum(v: vec4f) -> vec4f {
  if (ROW_THREADS == 1u) { return v; }
  row_red[group_tid] = v;
  workgroupBarrier();
  let base = path_slot * WG + row_group * ROW_THREADS;
  var total = row_red[base] + row_red[base + 1u];
  if (ROW_THREADS == 4u) { total += row_red[base + 2u] + row_red[base + 3u]; }
  workgroupBarrier();
  return total;
}
#endif

// The point and the direction of the next pass (the pass's first barrier publishes them).
fn problem_set_point(x: ptr<private, Slice>) {
  let d = problem_dim();
  for (var r = 0u; r < BPT; r++) {
    for (var l = 0u; l < 4u; l++) {
      let q = 4u * lane_group(r) + l;
      if (q < d) {
        let at = padded_slot(q);
        wg_part[part_base() + at.x][at.y] = (*x)[r][l];
      }
    }
  }
  point_set = true;
}

fn problem_set_dir(v: ptr<private, Slice>) {
  let d = problem_dim();
  for (var r = 0u; r < BPT; r++) {
    for (var l = 0u; l < 4u; l++) {
      let q = 4u * lane_group(r) + l;
      if (q < d) {
        let at = padded_slot(q);
        wg_part[part_base() + NW + at.x][at.y] = (*v)[r][l];
      }
    }
  }
  dir_set = true;
}

fn act4(a: vec4f) -> vec4f {
  if (ACTIVATION == 1u) { return 1.0 / (1.0 + exp(-a)); }
  return a;
}

// act'(a) and act''(a) from s = act(a).
fn act1_4(s: vec4f) -> vec4f {
  if (ACTIVATION == 1u) { return s * (1.0 - s); }
  return vec4f(1.0);
}

fn act2_4(s: vec4f) -> vec4f {
  if (ACTIVATION == 1u) { return s * (1.0 - s) * (1.0 - 2.0 * s); }
  return vec4f(0.0);
}

// Row r's sample: r itself, or uniform with replacement: the high word of w·N for the
// Threefry word w (src/dynamics/batches.ts is the twin).
fn row_sample(p: PassSpec, r: u32) -> u32 {
  if (p.batch_stream == NONE) { return r; }
  let words = threefry4x32_20(vec4u(pass_path, p.step, p.substep, p.first_block + r / 4u), vec2u(p.seed, p.batch_stream));
  return mul_hi(words[r % 4u], net.header.samples);
}

// ℓ of the row with targets at y_at; turns the logits z (in e) into e = ∂ℓ/∂z in place.
fn loss_and_residual(e: ptr<function, array<f32, NO>>, y_at: u32) -> f32 {
  if (LOSS == 0u) {
    var top = (*e)[0];
    for (var k = 1u; k < NO; k++) { top = max(top, (*e)[k]); }
    var sum = 0.0;
    for (var k = 0u; k < NO; k++) { sum += exp((*e)[k] - top); }
    var loss = top + log(sum);
    for (var k = 0u; k < NO; k++) {
      let z = (*e)[k];
      let y = net.values[y_at + k];
      loss -= y * z;
      (*e)[k] = exp(z - top) / sum - y;
    }
    return loss;
  }
  if (LOSS == 1u) {
    let y = net.values[y_at];
    let minus_margin = -y * (*e)[0];
    (*e)[0] = -y / (1.0 + exp(-minus_margin));
    return max(minus_margin, 0.0) + log(1.0 + exp(-abs(minus_margin)));
  }
  let c = net.header.loss_scale;
  var loss = 0.0;
  for (var k = 0u; k < NO; k++) {
    let r = (*e)[k] - net.values[y_at + k];
    (*e)[k] = c * r;
    loss += r * r;
  }
  return 0.5 * c * loss;
}

// re ← ℓ''(z) re, from e and y (softmax: p = e + y; logistic: |e| = σ(−yz), so
// ℓ'' = |e|(1 − |e|); squared: ℓ'' = c).
fn apply_curvature(re: ptr<function, array<f32, NO>>, e: ptr<function, array<f32, NO>>, y_at: u32) {
  if (LOSS == 0u) {
    var pr = 0.0;
    for (var k = 0u; k < NO; k++) { pr += ((*e)[k] + net.values[y_at + k]) * (*re)[k]; }
    for (var k = 0u; k < NO; k++) { (*re)[k] = ((*e)[k] + net.values[y_at + k]) * ((*re)[k] - pr); }
  } else if (LOSS == 1u) {
    let p = abs((*e)[0]);
    (*re)[0] = p * (1.0 - p) * (*re)[0];
  } else {
    for (var k = 0u; k < NO; k++) { (*re)[k] = net.header.loss_scale * (*re)[k]; }
  }
}

// Row r of the pass (sample n = row_sample(p, r); weight 0 beyond p.rows): the forward pass
// a = x_n W1, s = act(a), z = s W2, ℓ, e = ∂ℓ/∂z; the backward pass b = W2 e,
// δ = b act'(a); with a direction its R-op R(a) = x_n V1 (self-minus: ‖x_n‖²δ − x_n V1),
// R(z) = (act'(a)R(a)) W2 + s V2 (self-minus: ‖s‖²e − s V2), R(e) = ℓ''R(z),
// R(b) = V2 e + W2 R(e) (self-minus: s‖e‖² − V2 e + W2 R(e)), R(δ) = R(b) act'(a) + b act''(a) R(a).
// Output o adds ω x_n ⊗ δ (gradient) or ω x_n ⊗ R(δ) (HVP) to W1, and ω s ⊗ e (gradient) or
// ω (s ⊗ R(e) + R(s) ⊗ e) (HVP) to W2. Returns the row's weighted loss.
// Every thread of the row group runs it for the same row, each for its share of the hidden
// units; the row's loss counts once (lane 0).
fn process_row(p: PassSpec, r: u32) -> f32 {
  let has_dir = pass_has_directions() && p.direction != DIR_NONE;
  let self_minus = MODE_B && has_dir && p.direction == DIR_SELF_MINUS;
  let hvp0 = has_dir && is_hvp(p.out0);
  let hvp1 = has_dir && is_hvp(p.out1);
  let valid = r < p.rows;
  let n = select(0u, row_sample(p, r), valid);
  let wu = select(0.0, 1.0 / f32(p.rows), valid);
  var wz = 0.0;
  if (MODE_B && (is_zeta(p.out0) || is_zeta(p.out1)) && valid) {
    wz = normal4(p.seed, p.zeta_stream, pass_path, p.step, p.substep, n / 4u)[n % 4u] - pass_zeta_mean;
  }
  let w0 = select(wu, wz, is_zeta(p.out0));
  let w1 = select(wu, wz, is_zeta(p.out1));
  let row = net.header.x_at + n * NI;
  let y_at = net.header.target_at + n * NO;
  let norm2 = net.values[net.header.norm_at + n];
  var s: array<vec4f, HB>;    // act(a)
  var ra: array<vec4f, HB>;   // R(a)
  var bw: array<vec4f, HB>;   // b = W2 e
  var dl: array<vec4f, HB>;   // δ
  var rd: array<vec4f, HB>;   // R(δ)
  var e: array<f32, NO>;      // z, then e
  var re: array<f32, NO>;     // R(z), then R(e)
  ${rowForward}
  ${rowLogits}
  if (has_dir) {
    ${rowDirection}
  }
  let loss = loss_and_residual(&e, y_at);
  ${rowDelta}
  if (has_dir) {
    ${rowROp}
  }
  ${rowAccumulate}
  if (pass_has_second_output() && p.out1 != OUT_NONE) {
    ${rowAccumulateSecond}
  }
  return select(0.0, wu * loss, row_lane == 0u);
}

// The output of one accumulator: the ROW_GROUPS partials summed in group order, delivered into
// `out` in this thread's coordinates (Slice layout). Call in uniform control flow.
fn reduce_output(out: ptr<private, Slice>, second: bool) {
  workgroupBarrier();
  // The partials overwrite the point and the direction: every thread has copied them.
  for (var c = 0u; c < NL; c++) { wg_part[part_base() + row_group * NW + shared_block(c)] = select(acc_p0[c], acc_p1[c], second); }
  workgroupBarrier();
  let d = problem_dim();
  for (var r = 0u; r < BPT; r++) {
    var v = vec4f(0.0);
    for (var l = 0u; l < 4u; l++) {
      let q = 4u * lane_group(r) + l;
      if (q < d) {
        let at = padded_slot(q);
        var total = 0.0;
        for (var t = 0u; t < ROW_GROUPS; t++) { total += wg_part[part_base() + t * NW + at.x][at.y]; }
        v[l] = total;
      }
    }
    (*out)[r] = v;
  }
  // Readers of the partials finish before the next point is written over them.
  workgroupBarrier();
}

// One sweep over the pass's rows, ROW_GROUPS at a time (process_row); acc0/acc1 receive the
// outputs (acc1 only when p.out1 is set). Returns Σ_rows ℓ/rows when want_loss (a workgroup
// sum), else 0. Call in uniform control flow.
fn problem_pass(p: PassSpec, want_loss: bool) -> f32 {
  workgroupBarrier();
  set_row_roles();
  for (var c = 0u; c < NL; c++) {
    let at = shared_block(c);
    if (point_set) { pw[c] = wg_part[part_base() + at]; }
    if (dir_set) { pv[c] = wg_part[part_base() + NW + at]; }
    acc_p0[c] = vec4f(0.0);
    acc_p1[c] = vec4f(0.0);
  }
  for (var b = 0u; b < HB; b++) {
    let first = 4u * (row_lane * HB + b);
    hidden_mask[b] = select(vec4f(0.0), vec4f(1.0), first + vec4u(0u, 1u, 2u, 3u) < vec4u(NH));
  }
  point_set = false;
  dir_set = false;
  var loss_part = 0.0;
  for (var r0 = 0u; r0 < p.rows; r0 += ROW_GROUPS) { loss_part += process_row(p, r0 + row_group); }
  reduce_output(&acc0, false);
  s_clear(&acc1);
  if (pass_has_second_output() && p.out1 != OUT_NONE) { reduce_output(&acc1, true); }
  if (!want_loss) { return 0.0; }
  return wg_sum4(vec4f(loss_part, 0.0, 0.0, 0.0)).x;
}
