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

fn s_zero() -> Slice {
  var out: Slice;
  for (var r = 0u; r < BPT; r++) { out[r] = vec4f(0.0); }
  return out;
}

// a·x + y
fn s_axpy(a: f32, x: Slice, y: Slice) -> Slice {
  var out: Slice;
  for (var r = 0u; r < BPT; r++) { out[r] = a * x[r] + y[r]; }
  return out;
}

fn s_scale(a: f32, x: Slice) -> Slice {
  var out: Slice;
  for (var r = 0u; r < BPT; r++) { out[r] = a * x[r]; }
  return out;
}

fn s_add(x: Slice, y: Slice) -> Slice {
  var out: Slice;
  for (var r = 0u; r < BPT; r++) { out[r] = x[r] + y[r]; }
  return out;
}

fn s_sub(x: Slice, y: Slice) -> Slice {
  var out: Slice;
  for (var r = 0u; r < BPT; r++) { out[r] = x[r] - y[r]; }
  return out;
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

fn partial_dot(x: Slice, y: Slice) -> f32 {
  var acc = vec4f(0.0);
  for (var r = 0u; r < BPT; r++) { acc += x[r] * y[r]; }
  return acc.x + acc.y + acc.z + acc.w;
}

fn s_dot(x: Slice, y: Slice) -> f32 {
  return wg_sum4(vec4f(partial_dot(x, y), 0.0, 0.0, 0.0)).x;
}

// (x·y, u·v) in one tree.
fn s_dot2(x: Slice, y: Slice, u: Slice, v: Slice) -> vec2f {
  return wg_sum4(vec4f(partial_dot(x, y), partial_dot(u, v), 0.0, 0.0)).xy;
}

fn s_norm(x: Slice) -> f32 {
  return sqrt(s_dot(x, x));
}

// Lanes of lane group b that hold coordinates (< d).
fn lane_mask(b: u32) -> vec4f {
  let first = 4u * b;
  let d = problem_dim();
  return vec4f(select(0.0, 1.0, first < d), select(0.0, 1.0, first + 1u < d),
               select(0.0, 1.0, first + 2u < d), select(0.0, 1.0, first + 3u < d));
}

// Standard normals of one (stream, path, step, substep), blocks first_block.. : the same
// addressing as shaders/vec.wgsl's v_normal (docs/model.md §3), whatever the layout.
fn s_normal(seed: u32, stream: u32, path: u32, step: u32, substep: u32, first_block: u32) -> Slice {
  var out: Slice;
  let d4 = (problem_dim() + 3u) / 4u;
  for (var r = 0u; r < BPT; r++) {
    let b = lane_group(r);
    if (b < d4) {
      out[r] = normal4(seed, stream, path, step, substep, first_block + b) * lane_mask(b);
    } else {
      out[r] = vec4f(0.0);
    }
  }
  return out;
}
