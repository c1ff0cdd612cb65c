// The canonical combination of per-block moments (docs/model.md §4.3, §9). Block b of a run
// (paths [b·L, (b+1)·L), L = plan.leafPaths) is leaf b of a binary tree; a node's moments are
// Chan's combination of its two children's, always left (lower paths) with right. Whatever
// order blocks arrive in — one run in path chunks, a run resumed from a checkpoint, or
// shards merged afterwards — every node is the same function of the same leaves, so the
// result is the same bits. A stack of completed nodes (aligned dyadic ranges) is all that is
// kept: a contiguous range of blocks leaves at most two per level.

/** Moments per row: (count, mean, m2), m2 = Σ (v − mean)². */
export const MOMENT_WORDS = 3;

/** The aligned range of blocks [index·2^level, (index+1)·2^level) and its moments per row. */
export interface TreeNode {
  level: number;
  index: number;
  moments: Float64Array;
}

/** Chan, Golub & LeVeque's pairwise update of `left` with `right`, row by row. */
export function combineMoments(left: Float64Array, right: Float64Array): Float64Array {
  const out = new Float64Array(left.length);
  for (let at = 0; at < left.length; at += MOMENT_WORDS) {
    const nl = left[at];
    const nr = right[at + 0];
    if (nr === 0) {
      out[at] = nl; out[at + 1] = left[at + 1]; out[at + 2] = left[at + 2];
    } else if (nl === 0) {
      out[at] = nr; out[at + 1] = right[at + 1]; out[at + 2] = right[at + 2];
    } else {
      const n = nl + nr;
      const delta = right[at + 1] - left[at + 1];
      out[at] = n;
      out[at + 1] = left[at + 1] + (delta * nr) / n;
      out[at + 2] = left[at + 2] + right[at + 2] + (delta * delta * nl * nr) / n;
    }
  }
  return out;
}

/** The moments of the blocks pushed so far, in block order, as a stack of aligned nodes. */
export class MomentStack {
  nodes: TreeNode[] = [];

  constructor(readonly width: number) {}

  /** Adds a node that follows every node on the stack (a leaf has level 0, index = block). */
  push(node: TreeNode): void {
    const top = this.nodes[this.nodes.length - 1];
    if (top && (top.index + 1) * 2 ** top.level !== node.index * 2 ** node.level) {
      throw new Error(`moment tree: blocks from ${node.index * 2 ** node.level} do not follow blocks up to ${(top.index + 1) * 2 ** top.level}`);
    }
    let current = node;
    for (;;) {
      const last = this.nodes[this.nodes.length - 1];
      // Siblings: the same level, indices 2k and 2k + 1.
      if (!last || last.level !== current.level || last.index + 1 !== current.index || (last.index & 1) !== 0) break;
      this.nodes.pop();
      current = { level: current.level + 1, index: last.index >> 1, moments: combineMoments(last.moments, current.moments) };
    }
    this.nodes.push(current);
  }

  /** Moments of everything pushed: the stack folded right to left (empty → all zero). */
  total(): Float64Array {
    if (this.nodes.length === 0) return new Float64Array(this.width * MOMENT_WORDS);
    let acc = this.nodes[this.nodes.length - 1].moments;
    for (let i = this.nodes.length - 2; i >= 0; i--) acc = combineMoments(this.nodes[i].moments, acc);
    return acc;
  }
}

/**
 * Leaf moments of `rows` rows from the GPU's (count, sum, m2, _) partials: row r's partial at
 * `partials[(first + r·stride)·4]`.
 */
export function leafMoments(partials: Float32Array, first: number, rows: number, stride: number): Float64Array {
  const moments = new Float64Array(rows * MOMENT_WORDS);
  for (let r = 0; r < rows; r++) {
    const at = (first + r * stride) * 4;
    const count = partials[at];
    moments[r * MOMENT_WORDS] = count;
    moments[r * MOMENT_WORDS + 1] = count > 0 ? partials[at + 1] / count : 0;
    moments[r * MOMENT_WORDS + 2] = count > 0 ? partials[at + 2] : 0;
  }
  return moments;
}

/**
 * One tree per slot (a record, or a sharpness readout) over rows of the same width: what the
 * accumulators keep, and what a checkpoint or a shard stores of them.
 */
export class SlotMoments {
  private readonly stacks: MomentStack[];

  constructor(slots: number, private readonly width: number) {
    this.stacks = Array.from({ length: slots }, () => new MomentStack(width));
  }

  /**
   * Adds slot `slot`'s partials of blocks firstBlock, firstBlock + 1, …: row r's partial of
   * block b at `partials[(first + r·blocks + b)·4]`.
   */
  addBlocks(slot: number, partials: Float32Array, first: number, blocks: number, firstBlock: number): void {
    for (let b = 0; b < blocks; b++) {
      this.stacks[slot].push({ level: 0, index: firstBlock + b, moments: leafMoments(partials, first + b, this.width, blocks) });
    }
  }

  /** Each of the first `slots` slots' moments, (count, mean, m2) per row. */
  totals(slots: number): Float64Array[] {
    return this.stacks.slice(0, slots).map((stack) => stack.total());
  }

  /** Per slot: the node count, then each node's (level, index, moments…). */
  state(): Float64Array {
    const words: number[] = [];
    for (const stack of this.stacks) {
      words.push(stack.nodes.length);
      for (const node of stack.nodes) {
        words.push(node.level, node.index);
        for (const m of node.moments) words.push(m);
      }
    }
    return Float64Array.from(words);
  }

  /** Pushes the nodes of `state` (blocks that follow every block held) slot by slot. */
  append(state: Float64Array): void {
    const width = this.width * MOMENT_WORDS;
    let at = 0;
    for (const stack of this.stacks) {
      if (at >= state.length) throw new Error('saved moments: fewer slots than the plan has');
      const count = state[at++];
      for (let n = 0; n < count; n++) {
        stack.push({ level: state[at], index: state[at + 1], moments: state.slice(at + 2, at + 2 + width) });
        at += 2 + width;
      }
    }
    if (at !== state.length) throw new Error('saved moments: their shape does not match the plan');
  }
}

/** Count, mean and standard error of row `row` of a slot's moments (NaN where undefined). */
export function rowSummary(moments: Float64Array, row: number): { count: number; mean: number; stderr: number } {
  const at = row * MOMENT_WORDS;
  const count = moments[at];
  const variance = count > 1 ? moments[at + 2] / (count - 1) : NaN;
  return { count, mean: count > 0 ? moments[at + 1] : NaN, stderr: count > 1 ? Math.sqrt(variance / count) : NaN };
}
