"""Vectorised numpy peer of the GPU's SDE step (docs/model.md §3, mode A noise), on the
quadratic, the saddle and the networks of docs/model.md §5.

One Euler–Maruyama substep for all paths at once, in the same precision as the GPU (float32
by default), with the same drift, diffusion and divergence freeze as shaders/dynamics.wgsl:

  X <- X - dt * b(X) - sqrt(eta * dt) * sigma * G~(X) xi,   xi ~ N(0, I) per path

Normals come from numpy's default generator (PCG64, ziggurat), not Threefry + Box-Muller: the
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


class Network:
    """docs/model.md §5's one-hidden-layer network (src/problems/network.ts), vectorised over paths.

    x holds W1 (n_in x h, row-major) then W2 (h x n_out, row-major) per path. The gradient is the
    hand-written backward pass, the HVP its forward-mode derivative (R-op), as on the GPU. The
    activations of the last point are kept, so a gradient and the HVPs at the same point share
    one forward pass (the GPU's pass computes them together).
    """

    def __init__(self, job, dtype):
        net = job['network']
        self.ni, self.h, self.no, self.n = net['inputs'], net['hidden'], net['outputs'], net['samples']
        self.x = np.asarray(net['x'], dtype=dtype).reshape(self.n, self.ni)
        self.xt = np.ascontiguousarray(self.x.T)
        self.y = np.asarray(net['targets'], dtype=dtype).reshape(self.n, self.no)
        self.sigmoid = net['activation'] == 'sigmoid'
        self.loss = net['loss']
        self.scale = dtype(net['lossScale'])
        self.wd = dtype(net['weightDecay'])
        self.inv_n = dtype(1.0 / self.n)
        self.cache = None

    def split(self, v):
        p = v.shape[0]
        return v[:, :self.ni * self.h].reshape(p, self.ni, self.h), v[:, self.ni * self.h:].reshape(p, self.h, self.no)

    def forward(self, w):
        if self.cache is not None and self.cache[0] is w:
            return self.cache[1]
        w1, w2 = self.split(w)
        a = np.matmul(self.x, w1)                      # P x N x h
        s = 1 / (1 + np.exp(-a)) if self.sigmoid else a
        d1 = s * (1 - s) if self.sigmoid else None     # act'(a)
        z = np.matmul(s, w2)                           # P x N x n_out
        if self.loss == 'logistic':
            e = -self.y / (1 + np.exp(self.y * z))
        elif self.loss == 'softmax':
            q = np.exp(z - z.max(axis=2, keepdims=True))
            e = q / q.sum(axis=2, keepdims=True) - self.y
        else:
            e = self.scale * (z - self.y)
        b = np.matmul(e, w2.transpose(0, 2, 1))        # W2 e
        delta = b * d1 if self.sigmoid else b
        state = (w1, w2, s, d1, e, b, delta)
        self.cache = (w, state)
        return state

    def flat(self, g1, g2, v):
        p = v.shape[0]
        return np.concatenate([g1.reshape(p, -1), g2.reshape(p, -1)], axis=1) * self.inv_n + self.wd * v

    def grad(self, w):
        _, _, s, _, e, _, delta = self.forward(w)
        return self.flat(np.matmul(self.xt, delta), np.matmul(s.transpose(0, 2, 1), e), w)

    def hvp(self, w, v):
        w1, w2, s, d1, e, b, _ = self.forward(w)
        v1, v2 = self.split(v)
        ra = np.matmul(self.x, v1)
        rs = ra * d1 if self.sigmoid else ra
        rz = np.matmul(rs, w2) + np.matmul(s, v2)
        if self.loss == 'logistic':
            q = np.abs(e)
            re = q * (1 - q) * rz
        elif self.loss == 'softmax':
            q = e + self.y
            re = q * (rz - (q * rz).sum(axis=2, keepdims=True))
        else:
            re = self.scale * rz
        rb = np.matmul(e, v2.transpose(0, 2, 1)) + np.matmul(re, w2.transpose(0, 2, 1))
        rdelta = rb * d1 + b * (d1 * (1 - 2 * s)) * ra if self.sigmoid else rb
        return self.flat(np.matmul(self.xt, rdelta), np.matmul(rs.transpose(0, 2, 1), e) + np.matmul(s.transpose(0, 2, 1), re), v)


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
        else:  # SAM: K inner draws of Z, Stein's-lemma form of the diffusion (docs/model.md §3)
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
    problem = {'quadratic': Quadratic, 'saddle': Saddle, 'network': Network}[job['kind']](job, dtype)
    rng = np.random.default_rng(job['seed'])
    substep = make_substep(job, problem, rng, dtype)
    paths, steps, bound = job['paths'], job['steps'], dtype(job['divergeAbove'])
    reps = []
    for _ in range(job['repetitions']):
        x = rng.standard_normal((paths, job['dim']), dtype=dtype) * dtype(job.get('x0Std', 1.0))
        alive = np.ones(paths, dtype=bool)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(steps):
            x_new = x
            for _ in range(job['substeps']):
                x_new = substep(x_new)
            # The GPU's freeze (docs/model.md §4): a path beyond the bound or non-finite stops.
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
