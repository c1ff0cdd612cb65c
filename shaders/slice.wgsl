// Vectors of the workgroup-per-path layout (DESIGN.md "Kernels"): a workgroup advances SLOTS
// paths (path slots) with WG threads each, and thread t of a path owns lane groups
// b = t + WG·r (r < BPT) of every d-vector: 4·BPT coordinates per thread, kept in registers.
// Element-wise work needs no communication; dot products and norms are sums in workgroup
// memory, one per path slot. Their results differ between the slots of a workgroup, so no
// branch that holds a barrier may depend on them: the entry points run every slot's steps in
// lockstep and mask what a path must not do (docs/architecture.md, "Path slots").
// The dimension d is the problem's (problem_dim()); lanes at or beyond d stay exactly zero.

/** Threads per path, paths per workgroup, and the workgroup's size. */
const WG: u32 = ${workgroupSize}u;
const SLOTS: u32 = ${pathSlots}u;
const GROUP_SIZE: u32 = WG * SLOTS;
const BPT: u32 = ${blocksPerThread}u;
/** Largest d this program serves (4 lanes · WG threads · BPT groups). */
const D_CAP: u32 = 4u * WG * BPT;

alias Slice = array<vec4f, BPT>;

/**
 * This thread's index in its path's threads, its path's slot in the workgroup and its index in
 * the workgroup; set first thing by every entry point (set_thread).
 */
var<private> tid: u32;
var<private> path_slot: u32;
var<private> group_tid: u32;
var<workgroup> red: array<vec4f, GROUP_SIZE>;
var<workgroup> red_total: array<vec4f, SLOTS>;
var<workgroup> slot_votes: array<u32, SLOTS>;
var<workgroup> vote_total: u32;

fn set_thread(local_index: u32) {
  group_tid = local_index;
  tid = local_index % WG;
  path_slot = local_index / WG;
}

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

// Sum over the path's threads of one vec4 per thread, in a fixed order (the path's thread 0
// adds the WG values one after another: few barrier sites, which SwiftShader compiles much
// faster than a tree); every thread of the path gets it. The leading barrier keeps the previous
// sum's readers ahead of this sum's writers. Call in uniform control flow.
fn wg_sum4(v: vec4f) -> vec4f {
  workgroupBarrier();
  red[group_tid] = v;
  workgroupBarrier();
  if (tid == 0u) {
    let first = path_slot * WG;
    var total = red[first];
    for (var t = 1u; t < WG; t++) { total += red[first + t]; }
    red_total[path_slot] = total;
  }
  workgroupBarrier();
  return red_total[path_slot];
}

// Whether `v` (one value per path, the same on its threads) holds for any path of the
// workgroup: a uniform answer, which branches holding barriers may depend on.
fn any_slot(v: bool) -> bool {
  workgroupBarrier();
  if (tid == 0u) { slot_votes[path_slot] = select(0u, 1u, v); }
  workgroupBarrier();
  if (group_tid == 0u) {
    var votes = 0u;
    for (var i = 0u; i < SLOTS; i++) { votes |= slot_votes[i]; }
    vote_total = votes;
  }
  return workgroupUniformLoad(&vote_total) != 0u;
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
