// Sharpness readouts (docs/model.md §8), what both layouts share: the readout's parameters and
// buffers (group 2), and the largest eigenvalue of Lanczos' tridiagonal matrix. The entry
// points are shaders/sharpness_path.wgsl (thread-per-path) and shaders/sharpness_wg.wgsl
// (workgroup-per-path); src/simulate/sharpness.ts drives them at readout steps, between the
// fused dispatches of the time loop, and src/dynamics/twinSharpness.ts is the float64 twin.

// SHARPNESS_ITERATIONS_MAX of src/config/schema.ts.
const LANCZOS_MAX: u32 = 64u;
// Lanczos stops when β_j ≤ LANCZOS_BREAKDOWN·‖H q_j‖ (the twin's rule).
const LANCZOS_BREAKDOWN: f32 = 1e-5;
const BISECTIONS: u32 = 40u;

struct SharpnessParams {
  record: u32,        // record index (step / recordEvery) of the readout: addresses the draws
  step: u32,          // the readout step: paths with diverged_at <= step are skipped
  probes: u32,
  iterations: u32,
  path_base: u32,     // first path (of the chunk) of this dispatch
  path_count: u32,    // paths of this dispatch; the basis holds this many
  state_offset: u32,  // this dynamics' region of `state` (vec4)
  status_offset: u32, // this dynamics' region of `diverged_at`
  out_offset: u32,    // trace of path p at out_offset + p, top at out_offset + run.paths + p
}

@group(2) @binding(0) var<uniform> sharp: SharpnessParams;
// Lanczos vectors of the dispatch's paths: lane group b of q_j of path slot i at
// (j·D4 + b)·path_count + i (D4: lane groups of the problem's dimension).
@group(2) @binding(1) var<storage, read_write> sharpness_basis: array<vec4f>;
@group(2) @binding(2) var<storage, read_write> sharpness_out: array<f32>;

// The tridiagonal matrix of the Lanczos run: α_0..α_{k−1}, β_0..β_{k−2}.
var<private> lanczos_alpha: array<f32, LANCZOS_MAX>;
var<private> lanczos_beta: array<f32, LANCZOS_MAX>;

// Eigenvalues of the tridiagonal matrix below `shift`: the negative pivots of LDLᵀ of T − shift·I.
fn count_below(k: u32, shift: f32, tiny: f32) -> u32 {
  var count = 0u;
  var pivot = 1.0;
  for (var i = 0u; i < k; i++) {
    var coupling = 0.0;
    if (i > 0u) { coupling = lanczos_beta[i - 1u] * lanczos_beta[i - 1u] / pivot; }
    pivot = lanczos_alpha[i] - shift - coupling;
    if (pivot == 0.0) { pivot = -tiny; }
    if (pivot < 0.0) { count++; }
  }
  return count;
}

// The largest Ritz value: bisection inside the Gershgorin interval of the k×k tridiagonal.
fn tridiagonal_top(k: u32) -> f32 {
  var lo = 3.0e38;
  var hi = -3.0e38;
  for (var i = 0u; i < k; i++) {
    var radius = 0.0;
    if (i > 0u) { radius += abs(lanczos_beta[i - 1u]); }
    if (i + 1u < k) { radius += abs(lanczos_beta[i]); }
    lo = min(lo, lanczos_alpha[i] - radius);
    hi = max(hi, lanczos_alpha[i] + radius);
  }
  let tiny = 1e-30 * max(max(abs(lo), abs(hi)), 1.0);
  for (var s = 0u; s < BISECTIONS; s++) {
    let mid = 0.5 * (lo + hi);
    if (count_below(k, mid, tiny) == k) { hi = mid; } else { lo = mid; }
  }
  return 0.5 * (lo + hi);
}
