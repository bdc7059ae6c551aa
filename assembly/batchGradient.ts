// The weight gradient of a mini-batch: Σ over the samples of δ_s·a_sᵀ (and of δ_s for the
// biases), the samples in order so that the sum is the one of adding their gradients one by one.
// The samples are `count` traces laid out one after another, `stride` bytes apart (see
// assembly/batch.ts); the long reduction over them is what this file is about.
import { BIASES, DELTA, FAN_IN, INPUT, layerAt, UNITS, WEIGHTS, at } from './layout';
import { madd } from './multiplyAdd';

/**
 * Samples per pass of batchGradient: every block of a layer reads the chunk's copied rows, which
 * stay in the second-level cache (64 samples of a 256-wide layer: 128 KB each for δ and a).
 */
const CHUNK = 64;

/** Layers of fewer neurons than this take their rows in place: too few blocks to repay a copy. */
const PACKED_UNITS = 8;

/**
 * The bytes of scratch memory the batch passes need for the network whose layer table is at
 * `table`, for its largest layer: batchGradient's copies of a chunk's rows of δ and of the
 * input, or batchBackward's copy of the weights and of four samples' δ, whichever is more
 * (batchForward's four copied rows are less than either).
 */
export function batchScratchBytes(table: usize): usize {
  const layers = load<i32>(table);
  let bytes: usize = 0;
  for (let k = 0; k < layers; k++) {
    const l = layerAt(table, k);
    const units = <usize>load<i32>(l, UNITS);
    const fanIn = <usize>load<i32>(l, FAN_IN);
    bytes = max(bytes, max(<usize>CHUNK * (units + fanIn), units * (fanIn + 4)) * 8);
  }
  return bytes;
}

/**
 * into = scale·Σ_s (δ_s·a_sᵀ, δ_s) for every layer, laid out like the parameters: four neurons
 * by four inputs per block, summing over the samples in order — the order of adding the
 * samples' gradients one by one, so the result is that sum times `scale`, bit for bit. The
 * samples go in chunks of CHUNK: each block's sums are stored after a chunk and taken up again
 * by the next (the same additions in the same order). A chunk's rows of δ and of the input are
 * first copied into `scratch` (batchScratchBytes long) in panels of four columns, the samples one
 * after another: the blocks then read memory in order instead of one cache line per trace, each
 * `stride` bytes from the last (a page and a cache line apiece for the wide layers: the weight
 * gradient of 64-256-256-10 took 1.2–1.3× as long so).
 */
export function batchGradient(table: usize, traces: usize, stride: usize, count: i32, into: usize, scale: f64, scratch: usize): void {
  const layers = load<i32>(table);
  for (let k = 0; k < layers; k++) {
    const l = layerAt(table, k);
    const units = load<i32>(l, UNITS);
    const fanIn = load<i32>(l, FAN_IN);
    const delta = traces + <usize>load<i32>(l, DELTA);
    const input = traces + <usize>load<i32>(l, INPUT);
    const g = into + <usize>load<i32>(l, WEIGHTS);
    const gb = into + <usize>load<i32>(l, BIASES);
    for (let from = 0; from < count; from += CHUNK) {
      const to = min(from + CHUNK, count);
      const last = to == count;
      const f = f64x2.splat(last ? scale : 1);
      const d = delta + <usize>from * stride;
      const a = input + <usize>from * stride;
      if (units >= PACKED_UNITS) packedChunk(d, a, stride, to - from, g, units, fanIn, from == 0, f, scratch);
      else gradientChunk(d, a, stride, to - from, g, units, fanIn, from == 0, f);
      biasChunk(d, stride, to - from, gb, units, from == 0, f);
    }
  }
}

/**
 * g (+)= Σ_s δ_s·a_sᵀ over `count` samples (g's sums so far taken up unless `first`), then times
 * f, as gradientChunk does, from copies: the input's fours of columns and δ's fours of neurons,
 * each in panels of `count` rows of four (see pack), so that a block walks two panels in order.
 * Columns and neurons after the last four are summed in place (gradientAt).
 */
function packedChunk(delta: usize, input: usize, stride: usize, count: i32, g: usize, units: i32, fanIn: i32, first: bool, f: v128, scratch: usize): void {
  const row = <usize>fanIn << 3;
  const quads = fanIn >> 2;
  const groups = units >> 2;
  const scale = f64x2.extract_lane(f, 0);
  const panel = <usize>count << 5;
  if (first) memory.fill(g, 0, <usize>units * row);
  const pa = scratch;
  const pd = scratch + <usize>quads * panel;
  pack(input, stride, count, quads, pa);
  pack(delta, stride, count, groups, pd);
  for (let r = 0; r < groups; r++) {
    const d = pd + <usize>r * panel;
    const j = r << 2;
    for (let q = 0; q < quads; q++) {
      const a = pa + <usize>q * panel;
      const g0 = g + <usize>j * row + (<usize>q << 5);
      gradientTile(g0, row, a, d, 32, a + panel, f);
    }
    for (let q = 0; q < 4; q++) {
      for (let i = quads << 2; i < fanIn; i++) gradientAt(delta, input, stride, count, j + q, i, g + <usize>(j + q) * row, first, scale);
    }
  }
  for (let j = groups << 2; j < units; j++) {
    for (let i = 0; i < fanIn; i++) gradientAt(delta, input, stride, count, j, i, g + <usize>j * row, first, scale);
  }
}

/**
 * Copies the first `quads` fours of columns of `count` rows, `stride` bytes apart, into panels
 * at `to`: panel q holds the columns 4q…4q+3 of row s at (q·count + s)·32 bytes.
 */
function pack(from: usize, stride: usize, count: i32, quads: i32, to: usize): void {
  const panel = <usize>count << 5;
  for (let s = 0; s < count; s++) {
    const row = from + <usize>s * stride;
    let o = to + (<usize>s << 5);
    for (let q = 0; q < quads; q++) {
      const p = <usize>q << 5;
      v128.store(o, v128.load(row + p));
      v128.store(o, v128.load(row + p, 16), 16);
      o += panel;
    }
  }
}

/** gb (+)= Σ_s δ_s over `count` samples, two neurons at a time, then times f. */
function biasChunk(delta: usize, stride: usize, count: i32, gb: usize, units: i32, first: bool, f: v128): void {
  const end = <usize>count * stride;
  let j = 0;
  for (; j + 2 <= units; j += 2) {
    const o = <usize>j << 3;
    let sum = first ? f64x2.splat(0) : v128.load(gb + o);
    for (let t: usize = 0; t < end; t += stride) sum = f64x2.add(sum, v128.load(delta + t + o));
    v128.store(gb + o, f64x2.mul(sum, f));
  }
  if (j < units) {
    let sum = first ? 0.0 : load<f64>(at(gb, j));
    for (let t: usize = 0; t < end; t += stride) sum += load<f64>(at(delta + t, j));
    store<f64>(at(gb, j), sum * f64x2.extract_lane(f, 0));
  }
}

/**
 * g (+)= Σ_s δ_s·a_sᵀ over `count` samples (g's sums so far taken up unless `first`), then times
 * f: four neurons by four inputs per block (gradientTile), the rows read in place.
 */
function gradientChunk(delta: usize, input: usize, stride: usize, count: i32, g: usize, units: i32, fanIn: i32, first: bool, f: v128): void {
  const row = <usize>fanIn << 3;
  const quads = fanIn & ~3;
  const scale = f64x2.extract_lane(f, 0);
  const end = <usize>count * stride;
  // The first chunk starts from zeros: the same sums as from 0.0 in registers (0 + x = x).
  if (first) memory.fill(g, 0, <usize>units * row);
  let j = 0;
  for (; j + 4 <= units; j += 4) {
    const d = delta + (<usize>j << 3);
    for (let i = 0; i < quads; i += 4) {
      const p = <usize>i << 3;
      const g0 = g + <usize>j * row + p;
      const a = input + p;
      gradientTile(g0, row, a, d, stride, a + end, f);
    }
    for (let q = 0; q < 4; q++) {
      for (let i = quads; i < fanIn; i++) gradientAt(delta, input, stride, count, j + q, i, g + <usize>(j + q) * row, first, scale);
    }
  }
  for (; j < units; j++) {
    for (let i = 0; i < fanIn; i++) gradientAt(delta, input, stride, count, j, i, g + <usize>j * row, first, scale);
  }
}

/**
 * One block of four neurons by four inputs: g0's sums (rows `row` bytes apart) taken up, plus
 * Σ δ·aᵀ over the rows of `a` (four inputs) and `d` (four neurons' δ), both `step` bytes from one
 * row to the next until `a` reaches `stop`, then times f. Two running addresses: one computed
 * from the other would be computed again every turn. Inlined, so a constant `step` (the packed
 * panels' 32) folds into the loads.
 */
@inline
function gradientTile(g0: usize, row: usize, a: usize, d: usize, step: usize, stop: usize, f: v128): void {
  let c00 = v128.load(g0), c01 = v128.load(g0, 16);
  let c10 = v128.load(g0 + row), c11 = v128.load(g0 + row, 16);
  let c20 = v128.load(g0 + 2 * row), c21 = v128.load(g0 + 2 * row, 16);
  let c30 = v128.load(g0 + 3 * row), c31 = v128.load(g0 + 3 * row, 16);
  let y = d;
  for (let x = a; x < stop; x += step) {
    const a0 = v128.load(x);
    const a1 = v128.load(x, 16);
    const e0 = v128.load64_splat(y);
    const e1 = v128.load64_splat(y, 8);
    const e2 = v128.load64_splat(y, 16);
    const e3 = v128.load64_splat(y, 24);
    y += step;
    c00 = madd(e0, a0, c00);
    c01 = madd(e0, a1, c01);
    c10 = madd(e1, a0, c10);
    c11 = madd(e1, a1, c11);
    c20 = madd(e2, a0, c20);
    c21 = madd(e2, a1, c21);
    c30 = madd(e3, a0, c30);
    c31 = madd(e3, a1, c31);
  }
  v128.store(g0, f64x2.mul(c00, f));
  v128.store(g0, f64x2.mul(c01, f), 16);
  v128.store(g0 + row, f64x2.mul(c10, f));
  v128.store(g0 + row, f64x2.mul(c11, f), 16);
  v128.store(g0 + 2 * row, f64x2.mul(c20, f));
  v128.store(g0 + 2 * row, f64x2.mul(c21, f), 16);
  v128.store(g0 + 3 * row, f64x2.mul(c30, f));
  v128.store(g0 + 3 * row, f64x2.mul(c31, f), 16);
}

/** g[i] (+)= Σ_s δ_s[j]·a_s[i], the samples in order, then times `scale`. */
function gradientAt(delta: usize, input: usize, stride: usize, count: i32, j: i32, i: i32, g: usize, first: bool, scale: f64): void {
  let sum = first ? 0.0 : load<f64>(at(g, i));
  for (let s = 0; s < count; s++) {
    const t = <usize>s * stride;
    sum += load<f64>(at(delta + t, j)) * load<f64>(at(input + t, i));
  }
  store<f64>(at(g, i), sum * scale);
}

