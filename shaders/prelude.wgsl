// Shared by every kernel: constants and helpers that do not depend on a problem.

const NONE: u32 = 0xffffffffu;

// Non-finite test on the bits: implementations may assume no NaN/Inf in float arithmetic,
// so `x != x` can be folded away; the exponent bits cannot.
fn is_finite_f32(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}
