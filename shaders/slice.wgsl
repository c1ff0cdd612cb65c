// Vectors of the workgroup-per-path layout (DESIGN.md "Kernels"): one workgroup advances one
// path, and thread t owns lane groups b = t + WG·r (r < BPT) of every d-vector: 4·BPT
// coordinates per thread, kept in registers. Element-wise work needs no communication;
// dot products and norms are tree sums in workgroup memory whose results every thread
// reads through workgroupUniformLoad (so branches on them are uniform and may hold barriers).
// The dimension d is the problem's (problem_dim()); lanes at or beyond d stay exactly zero.

const WG: u32 = ${workgroupSize}u;
const BPT: u32 = ${blocksPerThread}u;
/** Largest d this program serves (4 lanes · WG threads · BPT groups). */
const D_CAP: u32 = 4u * WG * BPT;

alias Slice = array<vec4f, BPT>;

/** This thread's index in the path's workgroup; set first thing by every entry point. */
var<private> tid: u32;
var<workgroup> red: array<vec4f, WG>;
var<workgroup> red_total: vec4f;

fn lane_group(r: u32) -> u32 {
  return tid + WG * r;
}

// The helpers take the vectors by pointer (module-scope private Slices) and write their result
// into one of them: on SwiftShader a Slice passed or returned by value is copied element by
// element at every call site, ~0.1 s of compile time per call for 30 lane groups (a by-value
// helper called 20 times compiled in 2.0 s, the pointer form in 0.1 s; docs/architecture.md,
// "Per-path vectors"). WGSL forbids a written pointer aliasing another argument, hence the
// in-place forms.

fn s_clear(out: ptr<private, Slice>) {
  for (var r = 0u; r < BPT; r++) { (*out)[r] = vec4f(0.0); }
}

fn s_copy(out: ptr<private, Slice>, x: ptr<private, Slice>) {
  for (var r = 0u; r < BPT; r++) { (*out)[r] = (*x)[r]; }
}

// out ← a·x + y (out is neither x nor y)
fn s_axpy(out: ptr<private, Slice>, a: f32, x: ptr<private, Slice>, y: ptr<private, Slice>) {
  for (var r = 0u; r < BPT; r++) { (*out)[r] = a * (*x)[r] + (*y)[r]; }
}

// y ← a·x + y (a = ±1 gives y ± x exactly)
fn s_axpy_to(y: ptr<private, Slice>, a: f32, x: ptr<private, Slice>) {
  for (var r = 0u; r < BPT; r++) { (*y)[r] = a * (*x)[r] + (*y)[r]; }
}

// out ← a·x (out is not x)
fn s_scale(out: ptr<private, Slice>, a: f32, x: ptr<private, Slice>) {
  for (var r = 0u; r < BPT; r++) { (*out)[r] = a * (*x)[r]; }
}

// x ← a·x
fn s_scale_to(x: ptr<private, Slice>, a: f32) {
  for (var r = 0u; r < BPT; r++) { (*x)[r] = a * (*x)[r]; }
}

// Sum over the workgroup of one vec4 per thread, in a fixed order (thread 0 adds the WG
// values one after another: few barrier sites, which SwiftShader compiles much faster than a
// tree); uniform result. The leading barrier keeps the previous sum's readers ahead of
// this sum's writers.
fn wg_sum4(v: vec4f) -> vec4f {
  workgroupBarrier();
  red[tid] = v;
  workgroupBarrier();
  if (tid == 0u) {
    var total = red[0];
    for (var t = 1u; t < WG; t++) { total += red[t]; }
    red_total = total;
  }
  return workgroupUniformLoad(&red_total);
}

fn partial_dot(x: ptr<private, Slice>, y: ptr<private, Slice>) -> f32 {
  var acc = vec4f(0.0);
  for (var r = 0u; r < BPT; r++) { acc += (*x)[r] * (*y)[r]; }
  return acc.x + acc.y + acc.z + acc.w;
}

fn s_dot(x: ptr<private, Slice>, y: ptr<private, Slice>) -> f32 {
  return wg_sum4(vec4f(partial_dot(x, y), 0.0, 0.0, 0.0)).x;
}

// (x·y, u·v) in one tree.
fn s_dot2(x: ptr<private, Slice>, y: ptr<private, Slice>, u: ptr<private, Slice>, v: ptr<private, Slice>) -> vec2f {
  return wg_sum4(vec4f(partial_dot(x, y), partial_dot(u, v), 0.0, 0.0)).xy;
}

fn s_norm(x: ptr<private, Slice>) -> f32 {
  return sqrt(s_dot(x, x));
}

// Lanes of lane group b that hold coordinates (< d).
fn lane_mask(b: u32) -> vec4f {
  let first = 4u * b;
  let d = problem_dim();
  return vec4f(select(0.0, 1.0, first < d), select(0.0, 1.0, first + 1u < d),
               select(0.0, 1.0, first + 2u < d), select(0.0, 1.0, first + 3u < d));
}

// out ← ξ, or out + ξ when `add`: the standard normals of one (stream, path, step, substep),
// blocks first_block.. : the same addressing as shaders/vec.wgsl's v_normal (docs/model.md §3),
// whatever the layout.
fn s_normal(out: ptr<private, Slice>, add: bool, seed: u32, stream: u32, path: u32, step: u32, substep: u32, first_block: u32) {
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    var z = vec4f(0.0);
    if (b < d4) { z = normal4(seed, stream, path, step, substep, first_block + b) * lane_mask(b); }
    (*out)[r] = select(z, (*out)[r] + z, add);
  }
}
