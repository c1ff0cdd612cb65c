// One step (k -> k+1) of every algorithm (SPEC.md section 2) and SDE model (section 3),
// mode A noise (section 1). Bit-for-bit random draws with src/dynamics/twin.ts.
// The dynamics is an `override`, so each pipeline keeps only its own branch.

// Division by a norm that may vanish (SPEC section 2): never NaN, and counted.
fn guarded(n: f32, guards: ptr<function, u32>) -> f32 {
  if (n < run.guard_eps) {
    *guards += 1u;
    return run.guard_eps;
  }
  return n;
}

// The algorithm's ξ_k: the SDE's Brownian increments over the step, summed and rescaled,
// under shared coupling; an unrelated stream under independent coupling (SPEC section 3).
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

fn algorithm_step(x: Vec, path: u32, k: u32, guards: ptr<function, u32>) -> Vec {
  let z = v_scale(run.sigma, algorithm_noise(path, k));
  let g = problem_grad(x);
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

// One Euler–Maruyama substep j: X ← X − b(X)Δt − sqrt(ηΔt)·G(X)ξ (SPEC section 3; the minus
// on the noise mirrors the algorithm's −ηZ so coupled paths match).
fn model_substep(x: Vec, path: u32, k: u32, j: u32, guards: ptr<function, u32>) -> Vec {
  let xi = v_normal(run.seed, STREAM_SDE, path, k, j, 0u);
  let g = problem_grad(x);
  var drift = g;
  var noise = xi;
  let full_diffusion = DYNAMICS == USAM_SDE || DYNAMICS == DNSAM_SDE || DYNAMICS == SAM_SDE;
  if (DYNAMICS == USAM_SDE || DYNAMICS == USAM_DRIFT) {
    // b = ∇f + ρH∇f (∇ of f + (ρ/2)‖∇f‖²); G = σ(I + ρH)
    drift = v_axpy(run.rho, problem_hvp(x, g), g);
    if (full_diffusion) { noise = v_axpy(run.rho, problem_hvp(x, xi), xi); }
  } else if (DYNAMICS == DNSAM_SDE || DYNAMICS == DNSAM_DRIFT) {
    // b = ∇f + (ρ/‖∇f‖)H∇f (∇ of f + ρ‖∇f‖); G = σ(I + (ρ/‖∇f‖)H)
    let c = run.rho / guarded(v_norm(g), guards);
    drift = v_axpy(c, problem_hvp(x, g), g);
    if (full_diffusion) { noise = v_axpy(c, problem_hvp(x, xi), xi); }
  } else if (DYNAMICS == SAM_SDE || DYNAMICS == SAM_DRIFT) {
    // b = ∇f + ρHm, m = E[u]; G = σ(I + ρA H), A = E[(I − uuᵀ)/‖∇f+Z‖] (Stein's lemma),
    // both estimated from K inner draws of Z on their own stream. Cost: two HVPs + O(Kd).
    var hxi = v_zero();
    if (full_diffusion) { hxi = problem_hvp(x, xi); }
    var mean_u = v_zero();
    var a_hxi = v_zero();
    for (var i = 0u; i < run.sam_inner; i++) {
      let w = v_axpy(run.sigma, v_normal(run.seed, STREAM_SAM_INNER, path, k, j, i * D4), g);
      let inv_n = 1.0 / guarded(v_norm(w), guards);
      let u = v_scale(inv_n, w);
      mean_u = v_add(mean_u, u);
      if (full_diffusion) {
        a_hxi = v_add(a_hxi, v_scale(inv_n, v_axpy(-v_dot(u, hxi), u, hxi)));
      }
    }
    let inv_k = 1.0 / f32(run.sam_inner);
    drift = v_axpy(run.rho, problem_hvp(x, v_scale(inv_k, mean_u)), g);
    if (full_diffusion) { noise = v_axpy(run.rho * inv_k, a_hxi, xi); }
  }
  return v_axpy(-run.sqrt_eta_dt * run.sigma, noise, v_axpy(-run.dt, drift, x));
}

fn dynamics_step(x: Vec, path: u32, k: u32, guards: ptr<function, u32>) -> Vec {
  if (DYNAMICS < SGD_SDE) { return algorithm_step(x, path, k, guards); }
  var state = x;
  for (var j = 0u; j < run.substeps; j++) { state = model_substep(state, path, k, j, guards); }
  return state;
}
