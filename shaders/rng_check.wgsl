// Entry points that expose the generator for checks (tests and the page's round trip):
// raw Threefry words for given counters and keys, and blocks of normals per path.

struct NormalsParams {
  seed: u32,
  stream: u32,
  step: u32,
  substep: u32,
  path_offset: u32,  // global index of the first path of this dispatch
  paths: u32,
  _pad0: u32,
  _pad1: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<storage, read> counters: array<vec4u>;
@group(0) @binding(1) var<storage, read> keys: array<vec2u>;
@group(0) @binding(2) var<storage, read_write> words: array<vec4u>;

@compute @workgroup_size(WG)
fn threefry_words(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= arrayLength(&counters)) { return; }
  words[i] = threefry4x32_20(counters[i], keys[i]);
}

@group(0) @binding(0) var<uniform> params: NormalsParams;
@group(0) @binding(1) var<storage, read_write> normals_out: array<vec4f>;

// Path p's block 0 at (step, substep): four normals, written at 4 * (path_offset + p).
@compute @workgroup_size(WG)
fn fill_normals(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= params.paths) { return; }
  let path = params.path_offset + p;
  normals_out[path] = normal4(params.seed, params.stream, path, params.step, params.substep, 0u);
}
