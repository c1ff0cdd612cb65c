// Per-path values -> per-block (count, sum, m2) partials, in a fixed-order tree so that a
// re-run gives the same bits. The host combines blocks in float64 (src/gpu/reduce.ts).
// m2 is the sum of squares about the block mean (two passes over the block): the plain
// sum of squares loses the variance to cancellation in f32 when the mean dominates.
// docs/model.md §4: diverged paths are excluded, never averaged in.

struct ReduceRow {
  a: u32,        // offset of the values in `values`
  b: u32,        // offset of values to subtract (paired differences), or NONE
  mask_a: u32,   // offset of the divergedAt entries that go with `a`, or NONE
  mask_b: u32,   // offset of the divergedAt entries that go with `b`, or NONE
  step: u32,     // a path counts if it diverged after this step
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

struct ReduceShape {
  length: u32,   // values per row (paths)
  blocks: u32,   // blocks per row
  _pad0: u32,
  _pad1: u32,
}

override WG: u32 = 256;
const PER_THREAD: u32 = 16u;

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read> rows: array<ReduceRow>;
@group(0) @binding(2) var<storage, read> diverged_at: array<u32>;
@group(0) @binding(3) var<storage, read_write> partials: array<vec4f>;
@group(0) @binding(4) var<uniform> shape: ReduceShape;

var<workgroup> tree_count: array<f32, WG>;
var<workgroup> tree_sum: array<f32, WG>;

fn counts(row: ReduceRow, i: u32) -> bool {
  let alive_a = row.mask_a == NONE || diverged_at[row.mask_a + i] > row.step;
  let alive_b = row.mask_b == NONE || diverged_at[row.mask_b + i] > row.step;
  return alive_a && alive_b;
}

fn value(row: ReduceRow, i: u32) -> f32 {
  if (row.b == NONE) { return values[row.a + i]; }
  return values[row.a + i] - values[row.b + i];
}

fn tree_reduce(t: u32) {
  for (var half = WG / 2u; half > 0u; half = half / 2u) {
    workgroupBarrier();
    if (t < half) {
      tree_count[t] = tree_count[t] + tree_count[t + half];
      tree_sum[t] = tree_sum[t] + tree_sum[t + half];
    }
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG)
fn reduce_rows(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = lid.x;
  let block = wid.x;
  let row = rows[wid.y];
  let base = block * WG * PER_THREAD;

  var count = 0.0;
  var sum = 0.0;
  for (var j = 0u; j < PER_THREAD; j++) {
    let i = base + j * WG + t;
    if (i < shape.length && counts(row, i)) {
      count += 1.0;
      sum += value(row, i);
    }
  }
  tree_count[t] = count;
  tree_sum[t] = sum;
  tree_reduce(t);
  let block_count = tree_count[0];
  let block_sum = tree_sum[0];
  let mean = select(0.0, block_sum / block_count, block_count > 0.0);
  workgroupBarrier();

  var m2 = 0.0;
  for (var j = 0u; j < PER_THREAD; j++) {
    let i = base + j * WG + t;
    if (i < shape.length && counts(row, i)) {
      let dev = value(row, i) - mean;
      m2 += dev * dev;
    }
  }
  tree_sum[t] = m2;
  tree_reduce(t);
  if (t == 0u) {
    partials[wid.y * shape.blocks + block] = vec4f(block_count, block_sum, tree_sum[0], 0.0);
  }
}
