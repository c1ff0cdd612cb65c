// One step (k -> k+1) of every algorithm (docs/model.md §2) and SDE model (section 3) in the
// workgroup-per-path layout, noise mode A (σ, section 1) or mode B (mini-batches of
// run.batch_size samples), with the same draws as the thread-per-path kernels and the float64
// twin (src/dynamics/twin.ts).
//
// A (sub)step is a short sequence of phases, each at most one problem pass (a network's sweep
// over its data, a quadratic's H·v; shaders/pass.wgsl): phase_begin() does the element-wise
// work before the pass and returns its PassSpec (rows = 0: no pass),
// phase_end() consumes the pass's outputs, substep_finish() applies the update. The entry
// point (shaders/simulate_wg.wgsl) calls problem_pass() from ONE place: SwiftShader inlines
// every call of that large function and compiles seconds per copy. The dynamics and the noise
// mode are overrides, so each pipeline keeps only its own branches: on SwiftShader even
// untaken code that holds barriers costs time at run time.
//
// Mode B's Threefry addressing (src/dynamics/batches.ts is the twin):
//   algorithm batch at step k:  row r from word r mod 4 of block r/4 of (seed, STREAM_BATCH;
//                               path, k, 0), the same batch at the ascent and the descent point
//   SDE per-sample weights:     ζ_n = normal n of (seed, STREAM_SDE; path, k, j), n < N
//   SAM-SDE ghost batch i:      row r from block i·⌈B/4⌉ + r/4 of (seed, STREAM_SAM_INNER; path, k, j);
//                               its weight ξ_i = normal i of (seed, STREAM_SDE; path, k, j)
// `coupling` does not apply in mode B: batches and ζ weights are unrelated draws.

/** Noise mode B (mini-batches); false: mode A. */
override MODE_B: bool;

/** The path's state x. */
var<private> x_state: Slice;
/** Work vectors of a (sub)step; each dynamics documents its use of them. */
var<private> v0: Slice;
var<private> v1: Slice;
var<private> v2: Slice;
var<private> v3: Slice;
var<private> v4: Slice;
/** c of the step (ρ, or ρ/‖∇f‖ for DNSAM), and SAM-SDE mode B's Σ_i ξ_i. */
var<private> c_step: f32;
var<private> sum_xi: f32;
/** Norm-guard firings of the path (every thread of a path counts the same: its norms are). */
var<private> guard_hits: u32;
/**
 * The path has not diverged: its steps count. A dead path steps beside the live ones of its
 * workgroup (shaders/simulate_wg.wgsl) but changes neither its state nor its guard count.
 */
var<private> path_alive: bool = true;

fn dynamics() -> u32 {
  return DYNAMICS;
}

fn is_algorithm() -> bool {
  return DYNAMICS < SGD_SDE;
}

fn mode_b() -> bool {
  return MODE_B;
}

/** SGD, USAM, DNSAM or SAM: the algorithm, or the algorithm a model describes. */
fn family() -> u32 {
  let d = DYNAMICS;
  if (d < SGD_SDE) { return d; }
  if (d == SGD_SDE) { return SGD; }
  if (d == USAM_SDE || d == USAM_DRIFT) { return USAM; }
  if (d == DNSAM_SDE || d == DNSAM_DRIFT) { return DNSAM; }
  return SAM;
}

fn full_diffusion() -> bool {
  let d = DYNAMICS;
  return d == USAM_SDE || d == DNSAM_SDE || d == SAM_SDE;
}

fn guarded(n: f32) -> f32 {
  if (n < run.guard_eps) {
    if (path_alive) { guard_hits += 1u; }
    return run.guard_eps;
  }
  return n;
}

fn no_pass() -> PassSpec {
  return PassSpec(0u, NONE, 0u, 0u, 0u, 0u, STREAM_SDE, DIR_NONE, OUT_NONE, OUT_NONE);
}

/** A sweep over all N samples; step and substep address ζ where an output is ζ-weighted. */
fn full_pass(k: u32, j: u32, direction: u32, out0: u32, out1: u32) -> PassSpec {
  return PassSpec(problem_samples(), NONE, run.seed, k, j, 0u, STREAM_SDE, direction, out0, out1);
}

/** A sweep over a batch of B rows drawn from `stream` (blocks from first_block). */
fn batch_pass(stream: u32, k: u32, j: u32, first_block: u32, direction: u32, out0: u32) -> PassSpec {
  return PassSpec(run.batch_size, stream, run.seed, k, j, first_block, STREAM_SDE, direction, out0, OUT_NONE);
}

/** Phases of one (sub)step of the current dynamics and mode. */
fn phase_count() -> u32 {
  if (is_algorithm()) { return 3u; }
  if (!mode_b()) { return 2u; }
  if (family() == SAM) { return 1u + 2u * run.sam_inner; }
  return 4u;
}

fn substep_start() {
  s_clear(&v0);
  s_clear(&v1);
  s_clear(&v2);
  s_clear(&v3);
  s_clear(&v4);
  sum_xi = 0.0;
  c_step = run.rho;
}

// ---- Algorithms (docs/model.md §2). v0 = ∇f(x), v1 = Z = σξ (mode A), v2 = ∇f_γ(x), then the
// descent gradient ∇f_γ(y); v3 = y. Mode A: ∇f_γ = ∇f + Z with the same Z at both points.

// v1 ← Z = σξ_k, the algorithm's noise in mode A (docs/model.md §3): ξ_k is the SDE's increments
// summed and rescaled under shared coupling, an unrelated stream under independent coupling.
fn algorithm_noise(path: u32, k: u32) {
  if (run.coupling_shared == 0u) {
    s_normal(&v1, false, run.seed, STREAM_ALGORITHM, path, k, 0u, 0u);
  } else {
    for (var j = 0u; j < run.substeps; j++) {
      s_normal(&v1, j > 0u, run.seed, STREAM_SDE, path, k, j, 0u);
    }
    s_scale_to(&v1, run.inv_sqrt_m);
  }
  s_scale_to(&v1, run.sigma);
}

fn algorithm_begin(ph: u32, path: u32, k: u32) -> PassSpec {
  let f = family();
  if (ph == 0u) {
    problem_set_point(&x_state);
    if (mode_b()) { return batch_pass(STREAM_BATCH, k, 0u, 0u, DIR_NONE, OUT_GRAD); }
    algorithm_noise(path, k);
    return full_pass(k, 0u, DIR_NONE, OUT_GRAD, OUT_NONE);
  }
  if (ph == 1u) {
    // DNSAM's full-gradient norm (mode B; mode A has ∇f from phase 0).
    if (f == DNSAM && mode_b()) { return full_pass(k, 0u, DIR_NONE, OUT_GRAD, OUT_NONE); }
    return no_pass();
  }
  if (f == SGD) { return no_pass(); }
  if (f == DNSAM) { c_step = run.rho / guarded(s_norm(&v0)); }
  if (f == SAM) { c_step = run.rho / guarded(s_norm(&v2)); }
  s_axpy(&v3, c_step, &v2, &x_state);
  problem_set_point(&v3);
  if (mode_b()) { return batch_pass(STREAM_BATCH, k, 0u, 0u, DIR_NONE, OUT_GRAD); }
  return full_pass(k, 0u, DIR_NONE, OUT_GRAD, OUT_NONE);
}

fn algorithm_end(ph: u32) {
  let wd = problem_weight_decay();
  if (ph == 0u) {
    if (mode_b()) {
      s_axpy(&v2, wd, &x_state, &acc0);
    } else {
      s_axpy(&v0, wd, &x_state, &acc0);
      s_axpy(&v2, 1.0, &v0, &v1);
    }
  } else if (ph == 1u) {
    s_axpy(&v0, wd, &x_state, &acc0);
  } else {
    s_axpy(&v2, wd, &v3, &acc0);
    if (!mode_b()) { s_axpy_to(&v2, 1.0, &v1); }
  }
}

// ---- Models, mode A (docs/model.md §3): v0 = ∇f, then the drift b; v1 = ξ, then G̃ξ (the
// diffusion factor without σ); v2 = Hξ (SAM-SDE) or, for USAM/DNSAM-SDE, w then the whole
// step w + cHw; v3 = SAM-SDE's Σ_i (Hξ − u_i(u_i·Hξ))/‖∇f+Z_i‖.

fn model_a_begin(ph: u32, path: u32, k: u32, j: u32) -> PassSpec {
  let f = family();
  if (ph == 0u) {
    s_normal(&v1, false, run.seed, STREAM_SDE, path, k, j, 0u);
    problem_set_point(&x_state);
    if (f == SAM && full_diffusion()) {
      problem_set_dir(&v1);
      return full_pass(k, j, DIR_SHARED, OUT_GRAD, OUT_HVP);
    }
    return full_pass(k, j, DIR_NONE, OUT_GRAD, OUT_NONE);
  }
  if (f == SGD) { return no_pass(); }
  if (f == USAM || f == DNSAM) {
    // USAM: b = ∇f + ρH∇f, G = σ(I + ρH); DNSAM: c = ρ/‖∇f‖ in place of ρ. With the full
    // diffusion the step is linear in H: Δt·b + sqrt(ηΔt)·Gξ = w + cHw for
    // w = Δt∇f + sqrt(ηΔt)σξ, so one HVP (along w) serves drift and noise.
    if (f == DNSAM) { c_step = run.rho / guarded(s_norm(&v0)); }
    if (full_diffusion()) {
      s_scale(&v2, run.dt, &v0);
      s_axpy_to(&v2, run.sqrt_eta_dt * run.sigma, &v1);
      problem_set_dir(&v2);
    } else {
      problem_set_dir(&v0);
    }
    return full_pass(k, j, DIR_SHARED, OUT_HVP, OUT_NONE);
  }
  // SAM: b = ∇f + ρHm, m = E[u]; G = σ(I + ρAH), A = E[(I − uuᵀ)/‖∇f+Z‖] (Stein's lemma),
  // both from K inner draws of Z on their own stream.
  // Written lane group by lane group, in place, with one Slice temporary (w) and Σu in v4
  // (unused in mode A): the same operations, in the same order, as the s_* form
  //   w = σZ_i + ∇f, u = w/‖w‖, Σu += u, v3 += (Hξ − (u·Hξ)u)/‖w‖,
  // whose by-value Slice copies (six per draw, 30 lane groups each on the Breast Cancer MLP)
  // overflowed SwiftShader's per-invocation stack (SIGSEGV in its generated code).
  let d4 = (problem_dim() + 3u) / 4u;
  var w: Slice;
  for (var i = 0u; i < run.sam_inner; i++) {
    var ww = vec4f(0.0);
    var wv = vec4f(0.0);
    for (var r = 0u; r < BPT; r++) {
      let b = lane_group(r);
      var z = vec4f(0.0);
      if (b < d4) { z = normal4(run.seed, STREAM_SAM_INNER, path, k, j, i * d4 + b) * lane_mask(b); }
      w[r] = run.sigma * z + v0[r];
      ww += w[r] * w[r];
      wv += w[r] * v2[r];
    }
    let sums = wg_sum4(vec4f(ww.x + ww.y + ww.z + ww.w, wv.x + wv.y + wv.z + wv.w, 0.0, 0.0)).xy;
    let inv_n = 1.0 / guarded(sqrt(sums.x));
    for (var r = 0u; r < BPT; r++) {
      let u = inv_n * w[r];
      v4[r] = v4[r] + u;
      if (full_diffusion()) { v3[r] = v3[r] + inv_n * (-sums.y * inv_n * u + v2[r]); }
    }
  }
  s_scale(&v2, 1.0 / f32(run.sam_inner), &v4);
  problem_set_dir(&v2);
  return full_pass(k, j, DIR_SHARED, OUT_HVP, OUT_NONE);
}

fn model_a_end(ph: u32) {
  let wd = problem_weight_decay();
  let f = family();
  // acc0 becomes the pass's whole result (the data term plus the weight decay) in place.
  if (ph == 0u) {
    s_axpy(&v0, wd, &x_state, &acc0);
    if (f == SAM && full_diffusion()) { s_axpy(&v2, wd, &v1, &acc1); }
  } else if (f == USAM || f == DNSAM) {
    if (full_diffusion()) {
      s_axpy_to(&acc0, wd, &v2);
      s_axpy_to(&v2, c_step, &acc0);
    } else {
      s_axpy_to(&acc0, wd, &v0);
      s_axpy_to(&v0, c_step, &acc0);
    }
  } else {
    s_axpy_to(&acc0, wd, &v2);
    s_axpy_to(&v0, run.rho, &acc0);
    if (full_diffusion()) { s_axpy_to(&v1, run.rho / f32(run.sam_inner), &v3); }
  }
}

// ---- Models, mode B (docs/model.md §3). With ζ̃_n = ζ_n − ζ̄ over all N samples and
// G_ζ = Σ_n ζ̃_n ∇ℓ_n:
//   SGD/USAM/DNSAM-SDE (c = 0, ρ, ρ/‖∇f‖): G̃ξ = (G_ζ + c[H G_ζ + Σ_n ζ̃_n H_n ∇f]) / sqrt(BN),
//   the matrix-free (1/sqrt(BN)) Σ_n ζ_n (s_n − s̄); drift ∇f + c[H∇f + (1/B)(1/N)Σ_n H_n(∇ℓ_n − ∇ℓ̄)],
//   which is docs/model.md's (1/N)Σ_i H_i∇f_i − H∇f written as a covariance (the weight decay cancels).
//   v0 = ∇f, then b; v1 = G_ζ, then the bracket; v2 = H∇f; v3 = Σ_n ζ̃_n H_n ∇f.
//   SAM-SDE: K ghost batches γ_i, e_i = ∇f_γi + ρ H_γi ∇f_γi/‖∇f_γi‖ (first order in ρ);
//   b = ē and G̃ξ = (1/sqrt(K−1)) Σ_i ξ_i (e_i − ē), whose covariance is the sample covariance
//   of the effective gradient. v1 = Σ_i ξ_i e_i (SAM-SDE) or G_ζ (SAM-DRIFT); v2 = ∇f_γi;
//   v3 = u_i, then e_i; v4 = Σ_i e_i. The drift-only ablations take the SGD-SDE's noise.

// ζ̄ = (1/N) Σ_n ζ_n of substep (k, j).
fn zeta_mean(path: u32, k: u32, j: u32) -> f32 {
  let n = problem_samples();
  var acc = vec4f(0.0);
  for (var b = tid; b < (n + 3u) / 4u; b += WG) {
    let first = 4u * b;
    let mask = vec4f(select(0.0, 1.0, first < n), select(0.0, 1.0, first + 1u < n),
                     select(0.0, 1.0, first + 2u < n), select(0.0, 1.0, first + 3u < n));
    acc += normal4(run.seed, STREAM_SDE, path, k, j, b) * mask;
  }
  let sum = wg_sum4(acc);
  return (sum.x + sum.y + sum.z + sum.w) / f32(n);
}

fn model_b_begin(ph: u32, path: u32, k: u32, j: u32) -> PassSpec {
  let f = family();
  let wd = problem_weight_decay();
  if (ph == 0u) {
    if (dynamics() == SAM_SDE) { return no_pass(); }
    pass_zeta_mean = zeta_mean(path, k, j);
    problem_set_point(&x_state);
    return full_pass(k, j, DIR_NONE, OUT_GRAD, OUT_GRAD_ZETA);
  }
  if (f == SGD) { return no_pass(); }
  if (f == USAM || f == DNSAM) {
    if (ph == 1u) {
      if (f == DNSAM) { c_step = run.rho / guarded(s_norm(&v0)); }
      problem_set_dir(&v0);
      return full_pass(k, j, DIR_SHARED, OUT_HVP, select(OUT_NONE, OUT_HVP_ZETA, full_diffusion()));
    }
    if (ph == 2u) {
      s_axpy(&v4, -wd, &x_state, &v0);   // v4: scratch here (USAM/DNSAM, mode B)
      problem_set_dir(&v4);
      return full_pass(k, j, DIR_SELF_MINUS, OUT_HVP, OUT_NONE);
    }
    if (!full_diffusion()) { return no_pass(); }
    problem_set_dir(&v1);
    return full_pass(k, j, DIR_SHARED, OUT_HVP, OUT_NONE);
  }
  let ghost = (ph - 1u) / 2u;
  let first_block = ghost * ((run.batch_size + 3u) / 4u);
  if ((ph - 1u) % 2u == 0u) {
    problem_set_point(&x_state);
    return batch_pass(STREAM_SAM_INNER, k, j, first_block, DIR_NONE, OUT_GRAD);
  }
  s_scale(&v3, 1.0 / guarded(s_norm(&v2)), &v2);
  problem_set_dir(&v3);
  return batch_pass(STREAM_SAM_INNER, k, j, first_block, DIR_SHARED, OUT_HVP);
}

fn model_b_end(ph: u32, path: u32, k: u32, j: u32) {
  let f = family();
  let wd = problem_weight_decay();
  // acc0 is reused in place for the intermediate sums, v4 as scratch for USAM/DNSAM.
  if (ph == 0u) {
    s_axpy(&v0, wd, &x_state, &acc0);
    s_copy(&v1, &acc1);
  } else if (f == USAM || f == DNSAM) {
    if (ph == 1u) {
      s_axpy(&v2, wd, &v0, &acc0);
      s_copy(&v3, &acc1);
    } else if (ph == 2u) {
      s_axpy(&v4, 1.0 / f32(run.batch_size), &acc0, &v2);
      s_axpy_to(&v0, c_step, &v4);
    } else {
      s_axpy_to(&acc0, wd, &v1);
      s_axpy_to(&acc0, 1.0, &v3);
      s_axpy_to(&v1, c_step, &acc0);
    }
  } else if ((ph - 1u) % 2u == 0u) {
    s_axpy(&v2, wd, &x_state, &acc0);
  } else {
    // e_i = ρ(wd·u_i + H_γi u_i) + ∇f_γi replaces u_i in v3; Σ_i e_i in v4, Σ_i ξ_i e_i in v1.
    s_axpy_to(&acc0, wd, &v3);
    s_axpy(&v3, run.rho, &acc0, &v2);
    s_axpy_to(&v4, 1.0, &v3);
    if (dynamics() == SAM_SDE) {
      let i = (ph - 1u) / 2u;
      let xi = normal4(run.seed, STREAM_SDE, path, k, j, i / 4u)[i % 4u];
      s_axpy_to(&v1, xi, &v3);
      sum_xi += xi;
    }
  }
}

// ---- The machine.

fn phase_begin(ph: u32, path: u32, k: u32, j: u32) -> PassSpec {
  if (is_algorithm()) { return algorithm_begin(ph, path, k); }
  if (mode_b()) { return model_b_begin(ph, path, k, j); }
  return model_a_begin(ph, path, k, j);
}

fn phase_end(ph: u32, path: u32, k: u32, j: u32) {
  if (is_algorithm()) {
    algorithm_end(ph);
  } else if (mode_b()) {
    model_b_end(ph, path, k, j);
  } else {
    model_a_end(ph);
  }
}

// The update: x ← x − η ∇f_γ(y) (algorithms); Euler–Maruyama X ← X − bΔt − sqrt(ηΔt)·G̃ξ·scale
// (models; scale σ in mode A, 1/sqrt(BN) or 1/sqrt(K−1) in mode B). The minus on the noise
// mirrors the algorithm's −ηZ so coupled paths match (docs/model.md §3).
// A dead path, stepping beside the live paths of its workgroup, keeps its state.
fn substep_finish() {
  if (path_alive) { substep_update(); }
}

fn substep_update() {
  if (is_algorithm()) {
    s_axpy_to(&x_state, -run.eta, &v2);
    return;
  }
  if (!mode_b() && full_diffusion() && (family() == USAM || family() == DNSAM)) {
    s_axpy_to(&x_state, -1.0, &v2);
    return;
  }
  // The drift b into v0 and the noise G̃ξ·scale into v1, in place.
  var scale = run.sigma;
  if (mode_b()) {
    scale = 1.0 / sqrt(f32(run.batch_size) * f32(problem_samples()));
    if (family() == SAM) {
      s_scale(&v0, 1.0 / f32(run.sam_inner), &v4);
      if (dynamics() == SAM_SDE) {
        s_axpy_to(&v1, -sum_xi, &v0);
        scale = 1.0 / sqrt(f32(run.sam_inner - 1u));
      }
    }
  }
  s_scale_to(&v1, scale);
  s_axpy_to(&x_state, -run.dt, &v0);
  s_axpy_to(&x_state, -run.sqrt_eta_dt, &v1);
}
