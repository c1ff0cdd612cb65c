// One step (k -> k+1) of every algorithm (docs/model.md §2) and SDE model (section 3),
// mode A noise (section 1). Bit-for-bit random draws with src/dynamics/twin.ts.
// The dynamics is an `override`, so each pipeline keeps only its own branch.

// Division by a norm that may vanish (docs/model.md §2): never NaN, and counted.
fn guarded(n: f32, guards: ptr<function, u32>) -> f32 {
  if (n < run.guard_eps) {
    *guards += 1u;
    return run.guard_eps;
  }
  return n;
}

// The algorithm's ξ_k: the SDE's Brownian increments over the step, summed and rescaled,
// under shared coupling; an unrelated stream under independent coupling (docs/model.md §3).
fn algorithm_noise(path: u32, k: u32) -> Vec {
  if (run.coupling_shared == 0u) {
    return v_normal(run.seed, STREAM_ALGORITHM, path, k, 0u, 0u);
  }
  var sum = v_zero();
  for (var j = 0u; j < run.substeps; j++) {
    sum = v_add(sum, v_normal(run.seed, STREAM_SDE, path, k, j, 0u));
  }
  return v_scale(run.inv_sqrt_m, sum);
}

// Every step takes g = ∇f(x), computed once after the previous step (it also serves the
// record), so a step costs one gradient at the point it moves to plus its own H·v.
fn algorithm_step(x: Vec, g: Vec, path: u32, k: u32, guards: ptr<function, u32>) -> Vec {
  let z = v_scale(run.sigma, algorithm_noise(path, k));
  let gz = v_add(g, z);  // ∇f_γ(x): the same Z at the ascent and the descent point
  var y = x;
  if (DYNAMICS == USAM) {
    y = v_axpy(run.rho, gz, x);
  } else if (DYNAMICS == DNSAM) {
    y = v_axpy(run.rho / guarded(v_norm(g), guards), gz, x);
  } else if (DYNAMICS == SAM) {
    y = v_axpy(run.rho / guarded(v_norm(gz), guards), gz, x);
  }
  var descent = gz;
  if (DYNAMICS != SGD) { descent = v_add(problem_grad(y), z); }
  return v_axpy(-run.eta, descent, x);
}

// One Euler–Maruyama substep j from x with g = ∇f(x): X ← X − b(X)Δt − sqrt(ηΔt)·G(X)ξ
// (docs/model.md §3; the minus on the noise mirrors the algorithm's −ηZ so coupled paths match).
fn model_substep(x: Vec, g: Vec, path: u32, k: u32, j: u32, guards: ptr<function, u32>) -> Vec {
  let xi = v_normal(run.seed, STREAM_SDE, path, k, j, 0u);
  let noise_scale = run.sqrt_eta_dt * run.sigma;
  if (DYNAMICS == USAM_SDE || DYNAMICS == DNSAM_SDE) {
    // b = ∇f + cH∇f, G = σ(I + cH) with c = ρ (USAM: ∇ of f + (ρ/2)‖∇f‖²) or ρ/‖∇f‖ (DNSAM:
    // ∇ of f + ρ‖∇f‖). H·v is linear in v, so drift and noise share one product:
    // X − Δt·b − sσ·Gξ = X − w − cH·w with w = Δt∇f + sσξ.
    var c = run.rho;
    if (DYNAMICS == DNSAM_SDE) { c = run.rho / guarded(v_norm(g), guards); }
    let w = v_axpy(noise_scale, xi, v_scale(run.dt, g));
    return v_sub(v_sub(x, w), v_scale(c, problem_hvp(x, w)));
  }
  var drift = g;
  var noise = xi;
  if (DYNAMICS == USAM_DRIFT) {
    drift = v_axpy(run.rho, problem_hvp(x, g), g);
  } else if (DYNAMICS == DNSAM_DRIFT) {
    drift = v_axpy(run.rho / guarded(v_norm(g), guards), problem_hvp(x, g), g);
  } else if (DYNAMICS == SAM_SDE || DYNAMICS == SAM_DRIFT) {
    // b = ∇f + ρHm, m = E[u]; G = σ(I + ρA H), A = E[(I − uuᵀ)/‖∇f+Z‖] (Stein's lemma),
    // both estimated from K inner draws of Z on their own stream. Cost: two HVPs + O(Kd).
    let full_diffusion = DYNAMICS == SAM_SDE;
    var grad = g;
    var hxi = v_zero();
    if (full_diffusion) { hxi = problem_hvp(x, xi); }
    var mean_u = v_zero();
    var a_hxi = v_zero();
    for (var i = 0u; i < run.sam_inner; i++) {
      sam_inner_draw(&grad, &hxi, &mean_u, &a_hxi, full_diffusion, path, k, j, i, guards);
    }
    let inv_k = 1.0 / f32(run.sam_inner);
    drift = v_axpy(run.rho, problem_hvp(x, v_scale(inv_k, mean_u)), g);
    if (full_diffusion) { noise = v_axpy(run.rho * inv_k, a_hxi, xi); }
  }
  return v_axpy(-noise_scale, noise, v_axpy(-run.dt, drift, x));
}

// SAM's inner draw i (model_substep): w = σZ_i + ∇f, u = w/‖w‖; mean_u += u and, with the full
// diffusion, a_hxi += (Hξ − (u·Hξ)u)/‖w‖.
fn sam_inner_draw(g: ptr<function, Vec>, hxi: ptr<function, Vec>, mean_u: ptr<function, Vec>, a_hxi: ptr<function, Vec>,
                  full_diffusion: bool, path: u32, k: u32, j: u32, i: u32, guards: ptr<function, u32>) {
  let w = v_axpy(run.sigma, v_normal(run.seed, STREAM_SAM_INNER, path, k, j, i * D4), *g);
  let inv_n = 1.0 / guarded(v_norm(w), guards);
  let u = v_scale(inv_n, w);
  *mean_u = v_add(*mean_u, u);
  if (full_diffusion) {
    *a_hxi = v_add(*a_hxi, v_scale(inv_n, v_axpy(-v_dot(u, *hxi), u, *hxi)));
  }
}

// Advances x by one step k -> k+1; g = ∇f(x) on entry. Substeps after the first take the
// gradient at the point the previous one reached.
fn dynamics_step(x: Vec, g: Vec, path: u32, k: u32, guards: ptr<function, u32>) -> Vec {
  if (DYNAMICS < SGD_SDE) { return algorithm_step(x, g, path, k, guards); }
  var state = model_substep(x, g, path, k, 0u, guards);
  for (var j = 1u; j < run.substeps; j++) {
    state = model_substep(state, problem_grad(state), path, k, j, guards);
  }
  return state;
}
