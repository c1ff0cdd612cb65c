// docs/model.md §5, `teacher-student`: synthetic data from a random teacher network, all from
// the problem's seed on the problem stream (src/rng/threefry.ts), so any peer can rebuild it:
//   X row n        = normals({seed, problem}; path 0, step n, substep 0) · sqrt(1/inputs)
//   teacher W1 row i = normals({seed, problem}; path 1, step i, substep 0)            (N(0, 1))
//   teacher W2 row j = normals({seed, problem}; path 2, step j, substep 0) · sqrt(1/teacherHidden)
//   y = act_teacher(X W1) W2,  and the student's loss is mean over samples and outputs of
//   (ŷ − y)², i.e. ℓ_n = (1/outputs)‖z_n − y_n‖², plus (wd/2)‖x‖².
import type { Activation, TeacherStudentProblem } from '../config/schema';
import { normals, Stream } from '../rng/threefry';
import { toF32Values, type NetworkSpec } from './network';

function rows(seed: number, path: number, count: number, length: number, scale: number): Float64Array {
  const out = new Float64Array(count * length);
  const row = new Float64Array(length);
  for (let r = 0; r < count; r++) {
    normals({ seed, stream: Stream.problem }, path, r, 0, row);
    for (let c = 0; c < length; c++) out[r * length + c] = row[c] * scale;
  }
  return out;
}

function activate(a: number, activation: Activation): number {
  return activation === 'sigmoid' ? 1 / (1 + Math.exp(-a)) : a;
}

export function teacherStudentNetwork(problem: TeacherStudentProblem): NetworkSpec {
  const { inputs, samples, outputs, teacherHidden: th, seed } = problem;
  const x = toF32Values(rows(seed, 0, samples, inputs, Math.sqrt(1 / inputs)));
  const w1 = rows(seed, 1, inputs, th, 1);
  const w2 = rows(seed, 2, th, outputs, Math.sqrt(1 / th));
  const targets = new Float64Array(samples * outputs);
  const hidden = new Float64Array(th);
  for (let n = 0; n < samples; n++) {
    for (let j = 0; j < th; j++) {
      let a = 0;
      for (let i = 0; i < inputs; i++) a += x[n * inputs + i] * w1[i * th + j];
      hidden[j] = activate(a, problem.teacherActivation);
    }
    for (let k = 0; k < outputs; k++) {
      let z = 0;
      for (let j = 0; j < th; j++) z += hidden[j] * w2[j * outputs + k];
      targets[n * outputs + k] = z;
    }
  }
  return {
    kind: 'teacher-student',
    inputs,
    hidden: problem.hidden,
    outputs,
    samples,
    activation: problem.activation,
    loss: 'squared',
    lossScale: 2 / outputs,
    weightDecay: problem.weightDecay,
    x,
    targets: toF32Values(targets),
  };
}
