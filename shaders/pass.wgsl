// The pass interface of the workgroup-per-path layout (DESIGN.md "Kernels"), what every problem
// module of that layout implements and the dynamics (shaders/dynamics_wg.wgsl) and readouts
// (shaders/sharpness_wg.wgsl) call: problem_set_point / problem_set_dir stage the point and the
// direction, problem_pass(spec, want_loss) computes up to two outputs, each a gradient or an
// HVP, into acc0 and acc1 (this thread's coordinates) and returns the loss when asked, and
// problem_dim / problem_samples / problem_weight_decay describe the problem. Implemented by
// shaders/problems/network.wgsl (the networks, over their data), quadratic_wg.wgsl and
// saddle_wg.wgsl (above the thread-per-path layout's register budget, one "sample").

const DIR_NONE: u32 = 0u;
const DIR_SHARED: u32 = 1u;       // V_n = V (set by problem_set_dir)
const DIR_SELF_MINUS: u32 = 2u;   // V_n = ∇ℓ_n − V

const OUT_NONE: u32 = 0u;
const OUT_GRAD: u32 = 1u;         // Σ_n (1/rows) ∇ℓ_n
const OUT_HVP: u32 = 2u;          // Σ_n (1/rows) ∇²ℓ_n V_n
const OUT_GRAD_ZETA: u32 = 3u;    // Σ_n (ζ_n − ζ̄) ∇ℓ_n
const OUT_HVP_ZETA: u32 = 4u;     // Σ_n (ζ_n − ζ̄) ∇²ℓ_n V_n

// What a pass computes. The path (the Threefry counter of its batch draws and ζ weights) is
// pass_path: a PassSpec holds only what every path slot of a workgroup shares, so branches on
// it may hold barriers.
struct PassSpec {
  rows: u32,
  batch_stream: u32,  // NONE: row r is sample r; else row r is drawn from this Threefry stream
  seed: u32,
  step: u32,
  substep: u32,
  first_block: u32,   // batch draws: row r uses block first_block + r/4, word r mod 4
  zeta_stream: u32,   // ζ_n: normal n of (seed, zeta_stream; pass_path, step, substep)
  direction: u32,
  out0: u32,
  out1: u32,
}

/** This thread's path (run.path_offset + p), set by the entry point. */
var<private> pass_path: u32;
/** The pass outputs, this thread's coordinates. */
var<private> acc0: Slice;
var<private> acc1: Slice;
/**
 * ζ̄ for the ζ-weighted outputs, set by the caller (a private value only feeds arithmetic,
 * so the pass's control flow stays uniform).
 */
var<private> pass_zeta_mean: f32;

// The parts of a pass this pipeline can be asked for, from its overrides (DYNAMICS, MODE_B):
// directions and HVPs for the models that apply H (every model but SGD-SDE) and the readouts,
// a second output for SAM-SDE and mode B, the self-minus direction and the ζ weights for mode B.
// The rest is dead code the compiler drops. On SwiftShader code behind a branch that is never
// taken still costs run time (four never-taken copies of the direction code slowed SGD-SDE on
// Breast Cancer 1.4×), so this took SGD-SDE there from 4.2–4.6e2 to 9.8e2–1.0e3 path-steps/s and
// USAM-SDE to 4.6–5.0e2 (docs/architecture.md, "How WGSL is composed and specialised").
fn pass_has_directions() -> bool {
  return DYNAMICS > SGD_SDE;
}

fn pass_has_second_output() -> bool {
  return MODE_B || DYNAMICS == SAM_SDE;
}

fn is_zeta(kind: u32) -> bool {
  return kind == OUT_GRAD_ZETA || kind == OUT_HVP_ZETA;
}

fn is_hvp(kind: u32) -> bool {
  return kind == OUT_HVP || kind == OUT_HVP_ZETA;
}
