// The one-hidden-layer network behind docs/model.md §5's `mlp`, `teacher-student` and
// `deep-linear` problems, and its float64 twin (the reference of shaders/problems/network.wgsl).
//
// Parameters are one flat vector x ∈ R^d, d = n_in·h + h·n_out:
//   W1 (n_in × h, row-major) at x[i·h + j],  then  W2 (h × n_out, row-major) at x[n_in·h + j·n_out + k].
// Per sample n (row x_n of the data):  a = x_n W1,  s = act(a),  z = s W2,  ℓ_n = loss(z, y_n),
// and f = (1/N) Σ_n ℓ_n + (wd/2)‖x‖² = (1/N) Σ_n f_n with f_n = ℓ_n + (wd/2)‖x‖² (docs/model.md §1).
//
// Gradient: e = ∂ℓ/∂z, b = W2 e, δ = b ⊙ act'(a);  ∇_W1 ℓ = x_n ⊗ δ,  ∇_W2 ℓ = s ⊗ e.
// Hessian-vector product along V = (V1, V2): the forward-mode derivative (R-op) of that
// gradient, exact: R(a) = x_n V1, R(s) = act'(a) R(a), R(z) = R(s) W2 + s V2, R(e) = ℓ''(z) R(z),
// R(b) = V2 e + W2 R(e), R(δ) = R(b) act'(a) + b act''(a) R(a);
// H_n V = (x_n ⊗ R(δ), R(s) ⊗ e + s ⊗ R(e)).
// "Self-minus" directions V_n = ∇ℓ_n − V (mode B's drift correction, docs/model.md §3) cost no
// extra matrix products because ∇ℓ_n is rank one per layer:
// x_n(x_n ⊗ δ) = ‖x_n‖² δ,  s(s ⊗ e) = ‖s‖² e,  (s ⊗ e) e = s ‖e‖².
import type { SampledProblemTwin } from './types';

export type Activation = 'linear' | 'sigmoid';
/**
 * softmax: mean softmax cross-entropy, targets one-hot; logistic: log(1 + exp(−y z)),
 * one output, y = ±1; squared: (scale/2)‖z − y‖².
 */
export type NetworkLoss = 'softmax' | 'logistic' | 'squared';

export const ACTIVATION_CODES: Readonly<Record<Activation, number>> = { linear: 0, sigmoid: 1 };
export const LOSS_CODES: Readonly<Record<NetworkLoss, number>> = { softmax: 0, logistic: 1, squared: 2 };

export interface NetworkSpec {
  /** The problem kind this network serves (ProblemTwin.kind). */
  kind: string;
  inputs: number;
  hidden: number;
  outputs: number;
  samples: number;
  activation: Activation;
  loss: NetworkLoss;
  /** Only for `squared`: ℓ = (lossScale/2)‖z − y‖². */
  lossScale: number;
  weightDecay: number;
  /** samples × inputs, row-major; every value representable in f32 (the GPU sees the same). */
  x: Float64Array;
  /** samples × outputs: one-hot (softmax), ±1 (logistic) or values (squared); f32 values. */
  targets: Float64Array;
}

export function networkDimension(inputs: number, hidden: number, outputs: number): number {
  return inputs * hidden + hidden * outputs;
}

/** Rounds every entry to the nearest f32, so the float64 twin and the GPU see the same data. */
export function toF32Values(values: Float64Array): Float64Array {
  return values.map(Math.fround);
}

function sigmoid(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/** log(1 + exp(t)) without overflow. */
function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

export interface PassRequest {
  /** Per-sample weights w_n (length N); samples with w_n = 0 are skipped. */
  weights: Float64Array;
  /** Receives Σ_n w_n ∇ℓ_n (data terms only). */
  grad?: Float64Array;
  /** Receives Σ_n w_n ∇²ℓ_n V_n with V_n = v, or ∇ℓ_n − v when selfMinus. */
  hvp?: { v: Float64Array; out: Float64Array; selfMinus?: boolean };
}

export class NetworkTwin implements SampledProblemTwin {
  readonly kind: string;
  readonly dim: number;
  /**
   * ProblemTwin.scale: the features are standardised and the weights O(1), so curvatures are
   * O(1); the norm guards' ε only needs the order of magnitude (docs/model.md §2).
   */
  readonly scale: number;
  readonly samples: number;
  readonly weightDecay: number;
  readonly spec: NetworkSpec;
  private readonly uniform: Float64Array;
  private readonly rowNorm2: Float64Array;
  // Per-sample scratch (a step allocates nothing).
  private readonly s: Float64Array;
  private readonly d1: Float64Array;
  private readonly d2: Float64Array;
  private readonly b: Float64Array;
  private readonly ra: Float64Array;
  private readonly rdelta: Float64Array;
  private readonly z: Float64Array;
  private readonly e: Float64Array;
  private readonly rz: Float64Array;
  private readonly re: Float64Array;

  constructor(spec: NetworkSpec) {
    const { inputs, hidden, outputs, samples } = spec;
    if (spec.x.length !== samples * inputs) throw new RangeError(`network: x has ${spec.x.length} values, expected ${samples}×${inputs}`);
    if (spec.targets.length !== samples * outputs) {
      throw new RangeError(`network: targets have ${spec.targets.length} values, expected ${samples}×${outputs}`);
    }
    if (spec.loss === 'logistic' && outputs !== 1) throw new RangeError('network: the logistic loss needs one output');
    this.spec = spec;
    this.kind = spec.kind;
    this.dim = networkDimension(inputs, hidden, outputs);
    this.scale = Math.max(1, spec.weightDecay);
    this.samples = samples;
    this.weightDecay = spec.weightDecay;
    this.uniform = new Float64Array(samples).fill(1 / samples);
    this.rowNorm2 = new Float64Array(samples);
    for (let n = 0; n < samples; n++) {
      let sum = 0;
      for (let i = 0; i < inputs; i++) sum += spec.x[n * inputs + i] ** 2;
      this.rowNorm2[n] = sum;
    }
    const h = () => new Float64Array(hidden);
    const o = () => new Float64Array(outputs);
    this.s = h(); this.d1 = h(); this.d2 = h(); this.b = h(); this.ra = h(); this.rdelta = h();
    this.z = o(); this.e = o(); this.rz = o(); this.re = o();
  }

  /**
   * One sweep over the samples: returns Σ_n w_n ℓ_n and accumulates (adds into) the
   * requested outputs. The GPU's network pass computes the same sums in f32.
   */
  pass(x: Float64Array, request: PassRequest): number {
    const { inputs: ni, hidden: h, outputs: no, samples, activation } = this.spec;
    const data = this.spec.x;
    const w2At = ni * h;
    const { s, d1, d2, b, z, e } = this;
    const { weights, grad, hvp } = request;
    let lossSum = 0;
    for (let n = 0; n < samples; n++) {
      const weight = weights[n];
      if (weight === 0) continue;
      const row = n * ni;
      // Forward: a = x_n W1, s = act(a), z = s W2.
      for (let j = 0; j < h; j++) {
        let a = 0;
        for (let i = 0; i < ni; i++) a += data[row + i] * x[i * h + j];
        if (activation === 'sigmoid') {
          const sj = sigmoid(a);
          s[j] = sj;
          d1[j] = sj * (1 - sj);
          d2[j] = d1[j] * (1 - 2 * sj);
        } else {
          s[j] = a;
          d1[j] = 1;
          d2[j] = 0;
        }
      }
      for (let k = 0; k < no; k++) {
        let sum = 0;
        for (let j = 0; j < h; j++) sum += s[j] * x[w2At + j * no + k];
        z[k] = sum;
      }
      lossSum += weight * this.lossAndResidual(n, z, e);
      // Backward: b = W2 e, δ = b ⊙ act'(a).
      for (let j = 0; j < h; j++) {
        let sum = 0;
        for (let k = 0; k < no; k++) sum += x[w2At + j * no + k] * e[k];
        b[j] = sum;
      }
      if (grad) {
        for (let i = 0; i < ni; i++) {
          const c = weight * data[row + i];
          for (let j = 0; j < h; j++) grad[i * h + j] += c * b[j] * d1[j];
        }
        for (let j = 0; j < h; j++) {
          const c = weight * s[j];
          for (let k = 0; k < no; k++) grad[w2At + j * no + k] += c * e[k];
        }
      }
      // The R pass reads this sample's s, act', act'', b, z and e.
      if (hvp) this.sampleHvp(x, n, weight, hvp.v, hvp.out, hvp.selfMinus === true);
    }
    return lossSum;
  }

  /** R-op of sample n's gradient along v (or ∇ℓ_n − v), times weight, added into out. */
  private sampleHvp(x: Float64Array, n: number, weight: number, v: Float64Array, out: Float64Array, selfMinus: boolean): void {
    const { inputs: ni, hidden: h, outputs: no } = this.spec;
    const data = this.spec.x;
    const row = n * ni;
    const w2At = ni * h;
    const { s, d1, d2, b, ra, rdelta, e, rz, re } = this;
    // R(a) = x_n V1 (self-minus: ‖x_n‖² δ − x_n V1).
    for (let j = 0; j < h; j++) {
      let sum = 0;
      for (let i = 0; i < ni; i++) sum += data[row + i] * v[i * h + j];
      ra[j] = selfMinus ? this.rowNorm2[n] * b[j] * d1[j] - sum : sum;
    }
    // R(z) = (act'(a) R(a)) W2 + s V2 (self-minus: ‖s‖² e − s V2).
    let s2 = 0;
    for (let j = 0; j < h; j++) s2 += s[j] * s[j];
    for (let k = 0; k < no; k++) {
      let fromW2 = 0;
      let fromV2 = 0;
      for (let j = 0; j < h; j++) {
        fromW2 += d1[j] * ra[j] * x[w2At + j * no + k];
        fromV2 += s[j] * v[w2At + j * no + k];
      }
      rz[k] = fromW2 + (selfMinus ? s2 * e[k] - fromV2 : fromV2);
    }
    this.lossCurvature(this.z, rz, re);
    // R(b) = V2 e + W2 R(e) (self-minus: s ‖e‖² − V2 e); R(δ) = R(b) act' + b act'' R(a).
    let e2 = 0;
    for (let k = 0; k < no; k++) e2 += e[k] * e[k];
    for (let j = 0; j < h; j++) {
      let v2e = 0;
      let w2re = 0;
      for (let k = 0; k < no; k++) {
        v2e += v[w2At + j * no + k] * e[k];
        w2re += x[w2At + j * no + k] * re[k];
      }
      const rb = (selfMinus ? s[j] * e2 - v2e : v2e) + w2re;
      rdelta[j] = rb * d1[j] + b[j] * d2[j] * ra[j];
    }
    for (let i = 0; i < ni; i++) {
      const c = weight * data[row + i];
      for (let j = 0; j < h; j++) out[i * h + j] += c * rdelta[j];
    }
    for (let j = 0; j < h; j++) {
      const rs = weight * d1[j] * ra[j];
      const sj = weight * s[j];
      for (let k = 0; k < no; k++) out[w2At + j * no + k] += rs * e[k] + sj * re[k];
    }
  }

  /** ℓ_n(z) and e = ∂ℓ/∂z into `e`. */
  private lossAndResidual(n: number, z: Float64Array, e: Float64Array): number {
    const no = this.spec.outputs;
    const y = this.spec.targets;
    const at = n * no;
    if (this.spec.loss === 'softmax') {
      let max = -Infinity;
      for (let k = 0; k < no; k++) max = Math.max(max, z[k]);
      let sum = 0;
      for (let k = 0; k < no; k++) sum += Math.exp(z[k] - max);
      let loss = max + Math.log(sum);
      for (let k = 0; k < no; k++) {
        e[k] = Math.exp(z[k] - max) / sum - y[at + k];
        loss -= y[at + k] * z[k];
      }
      return loss;
    }
    if (this.spec.loss === 'logistic') {
      const margin = y[at] * z[0];
      e[0] = -y[at] * sigmoid(-margin);
      return softplus(-margin);
    }
    const c = this.spec.lossScale;
    let loss = 0;
    for (let k = 0; k < no; k++) {
      const r = z[k] - y[at + k];
      e[k] = c * r;
      loss += r * r;
    }
    return 0.5 * c * loss;
  }

  /** out = ℓ''(z) r. */
  private lossCurvature(z: Float64Array, r: Float64Array, out: Float64Array): void {
    const no = this.spec.outputs;
    if (this.spec.loss === 'softmax') {
      let max = -Infinity;
      for (let k = 0; k < no; k++) max = Math.max(max, z[k]);
      let sum = 0;
      for (let k = 0; k < no; k++) sum += Math.exp(z[k] - max);
      let pr = 0;
      for (let k = 0; k < no; k++) pr += (Math.exp(z[k] - max) / sum) * r[k];
      for (let k = 0; k < no; k++) out[k] = (Math.exp(z[k] - max) / sum) * (r[k] - pr);
      return;
    }
    if (this.spec.loss === 'logistic') {
      // y² = 1: ℓ'' = σ(yz) σ(−yz) = σ(z) σ(−z).
      const p = sigmoid(z[0]);
      out[0] = p * (1 - p) * r[0];
      return;
    }
    for (let k = 0; k < no; k++) out[k] = this.spec.lossScale * r[k];
  }

  private squaredNorm(x: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += x[i] * x[i];
    return sum;
  }

  loss(x: Float64Array): number {
    return this.pass(x, { weights: this.uniform }) + 0.5 * this.weightDecay * this.squaredNorm(x);
  }

  grad(x: Float64Array, out: Float64Array): Float64Array {
    out.fill(0);
    this.pass(x, { weights: this.uniform, grad: out });
    for (let i = 0; i < this.dim; i++) out[i] += this.weightDecay * x[i];
    return out;
  }

  hvp(x: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
    out.fill(0);
    this.pass(x, { weights: this.uniform, hvp: { v, out } });
    for (let i = 0; i < this.dim; i++) out[i] += this.weightDecay * v[i];
    return out;
  }

  weightedGrad(x: Float64Array, weights: Float64Array, out: Float64Array): Float64Array {
    out.fill(0);
    this.pass(x, { weights, grad: out });
    return out;
  }

  weightedHvp(x: Float64Array, v: Float64Array, weights: Float64Array, out: Float64Array, selfMinus = false): Float64Array {
    out.fill(0);
    this.pass(x, { weights, hvp: { v, out, selfMinus } });
    return out;
  }
}
