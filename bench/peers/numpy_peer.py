"""Vectorised numpy peer of the GPU's SDE step (SPEC.md section 3, mode A noise).

One Euler–Maruyama substep for all paths at once, in the same precision as the GPU (float32
by default), with the same drift, diffusion and divergence freeze as shaders/dynamics.wgsl:

  X <- X - dt * b(X) - sqrt(eta * dt) * sigma * G~(X) xi,   xi ~ N(0, I) per path

Normals come from numpy's default generator (PCG64, ziggurat), not Philox + Box-Muller: the
peer does the same arithmetic on different random bits. Reads one job (JSON) on stdin and
prints one JSON line: per repetition the wall and process CPU seconds (all threads) of the
time loop only (interpreter start, imports and problem setup are not timed).
"""
import json
import os
import sys
import time

import numpy as np


def blas_libraries():
    """The BLAS/LAPACK shared objects mapped into this process (after a matmul)."""
    try:
        with open('/proc/self/maps') as maps:
            names = {line.split()[-1] for line in maps if 'blas' in line.lower() or 'lapack' in line.lower()}
        return sorted(os.path.basename(n) for n in names if n.startswith('/'))
    except OSError:
        return []


class Quadratic:
    def __init__(self, job, dtype):
        d = job['dim']
        self.h = np.asarray(job['hessian'], dtype=dtype).reshape(d, d)
        self.x_star = np.asarray(job['minimizer'], dtype=dtype)

    def grad(self, x):
        # H symmetric: (x - x*) H^T = (x - x*) H, one (P x d) @ (d x d) product.
        return (x - self.x_star) @ self.h

    def hvp(self, _x, v):
        return v @ self.h


class Saddle:
    def __init__(self, job, dtype):
        self.lam = np.asarray(job['eigenvalues'], dtype=dtype)
        self.mu = dtype(job['quartic'])

    def grad(self, x):
        r2 = np.einsum('pd,pd->p', x, x)
        return self.lam * x + (self.mu * r2)[:, None] * x

    def hvp(self, x, v):
        r2 = np.einsum('pd,pd->p', x, x)
        xv2 = 2 * np.einsum('pd,pd->p', x, v)
        return self.lam * v + self.mu * (r2[:, None] * v + xv2[:, None] * x)


def row_norm(v):
    return np.sqrt(np.einsum('pd,pd->p', v, v))


def make_substep(job, problem, rng, dtype):
    model = job['model']
    family, _, kind = model.partition('-')
    full = kind == 'SDE'
    eta, rho, sigma = dtype(job['eta']), dtype(job['rho']), dtype(job['sigma'])
    dt = dtype(job['eta'] / job['substeps'])
    noise_scale = dtype(np.sqrt(job['eta'] * job['eta'] / job['substeps']) * job['sigma'])
    eps = dtype(job['guardEps'])
    k_inner = job['samInner']
    d = job['dim']

    def substep(x):
        p = x.shape[0]
        xi = rng.standard_normal((p, d), dtype=dtype)
        g = problem.grad(x)
        noise = xi
        if family == 'SGD':
            drift = g
        elif family in ('USAM', 'DNSAM'):
            c = rho if family == 'USAM' else (rho / np.maximum(row_norm(g), eps))[:, None]
            drift = g + c * problem.hvp(x, g)
            if full:
                noise = xi + c * problem.hvp(x, xi)
        else:  # SAM: K inner draws of Z, Stein's-lemma form of the diffusion (SPEC section 3)
            z = rng.standard_normal((p, k_inner, d), dtype=dtype)
            w = g[:, None, :] + sigma * z
            inv_n = 1 / np.maximum(np.sqrt(np.einsum('pkd,pkd->pk', w, w)), eps)
            u = w * inv_n[:, :, None]
            drift = g + rho * problem.hvp(x, u.mean(axis=1))
            if full:
                hxi = problem.hvp(x, xi)
                uh = np.einsum('pkd,pd->pk', u, hxi)
                a_hxi = ((hxi[:, None, :] - uh[:, :, None] * u) * inv_n[:, :, None]).mean(axis=1)
                noise = xi + rho * a_hxi
        return x - dt * drift - noise_scale * noise

    return substep


def main():
    job = json.load(sys.stdin)
    dtype = np.float32 if job.get('dtype', 'float32') == 'float32' else np.float64
    problem = Quadratic(job, dtype) if job['kind'] == 'quadratic' else Saddle(job, dtype)
    rng = np.random.default_rng(job['seed'])
    substep = make_substep(job, problem, rng, dtype)
    paths, steps, bound = job['paths'], job['steps'], dtype(job['divergeAbove'])
    reps = []
    for _ in range(job['repetitions']):
        x = rng.standard_normal((paths, job['dim']), dtype=dtype)
        alive = np.ones(paths, dtype=bool)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            x_new = x
            for _ in range(job['substeps']):
                x_new = substep(x_new)
            # The GPU's freeze (SPEC section 4): a path beyond the bound or non-finite stops.
            n = row_norm(x_new)
            alive &= np.isfinite(n) & (n <= bound)
            x = np.where(alive[:, None], x_new, x)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        reps.append({'wallSeconds': wall, 'cpuSeconds': cpu, 'alive': int(alive.sum())})
    print(json.dumps({
        'numpy': np.__version__,
        'python': sys.version.split()[0],
        'executable': sys.executable,
        'blas': blas_libraries(),
        'dtype': np.dtype(dtype).name,
        'repetitions': reps,
    }))


if __name__ == '__main__':
    main()
