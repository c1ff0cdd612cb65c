// What the workgroup-per-path forms of the problems without data (quadratic_wg.wgsl,
// saddle_wg.wgsl) share: the dimension as constants, one "sample" (a pass is one evaluation)
// and no weight decay (the callers' wd·x terms vanish).

const D: u32 = ${dim}u;
const D4: u32 = ${dim4}u;

fn problem_dim() -> u32 {
  return D;
}

fn problem_samples() -> u32 {
  return 1u;
}

fn problem_weight_decay() -> f32 {
  return 0.0;
}
