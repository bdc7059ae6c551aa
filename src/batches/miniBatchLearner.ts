import type { Loss } from '../core/losses.js';
import type { Network } from '../core/network.js';
import type { Trace } from '../core/trace.js';
import { Forwarder } from '../operators/forward.js';
import { stepAlong, type UpdateSettings } from '../operators/update.js';
import type { Optimizer } from '../optim/optimizer.js';
import { readSample } from '../samples/readSample.js';
import type { Sample } from '../samples/sample.js';
import { SampleError } from '../samples/sampleError.js';
import { type OnInvalid, reject } from '../steps/invalidSamples.js';
import { Stage, type Step, StepContext } from '../steps/step.js';
import type { StepEvent } from '../steps/stepEvent.js';
import { type BatchRows, borrowRows, giveBackRows } from './batchRows.js';

/** A sample set aside on arrival (rejected), waiting to be emitted in its place. */
interface SetAside<S> {
  readonly sample: S;
  readonly seq: number;
  readonly error: unknown;
  /** How many of the batch's rows came before it. */
  readonly before: number;
}

/**
 * @internal The per-subscription state of `train(net, { batchSize: k })` with k > 1: the k
 * samples of a batch go forward and backward together, as matrix products (the backends'
 * batch passes: blocked SIMD kernels on the WebAssembly backend), instead of one at a time.
 *
 * Each sample is checked on arrival (a bad one fails the stream at once, or is set aside with
 * `onInvalid: 'skip'`) and its input and target copied into the next row of the batch. When k
 * samples are there: all k are predicted with the weights as they are — each prediction is made
 * before the network learns from its sample, as always — scored, back-propagated, guarded and
 * clipped one by one as `update` does, and the optimizer steps once along the mean gradient of
 * those not set aside by the guard; then the k steps are emitted in order (the set-aside ones in
 * their places), the last with `updated: true`. So the steps of a batch come out together, after
 * its last sample, with the weights already changed; a partial batch left when the source
 * completes is predicted, emitted (`updated: false`) and learned then; one left when the source
 * errors is predicted and emitted, not learned. A sample the divergence guard sets aside is
 * left out of the batch's mean (one at a time, it would have been replaced by the next sample).
 */
export class MiniBatchLearner<S extends Sample> {
  private readonly forwarder: Forwarder<S>;
  /** The one step object emitted for every sample, filled from its row before each emission. */
  private readonly step: StepContext<S>;
  private readonly rows: readonly Trace[];
  private readonly samples: S[];
  private readonly seqs: Int32Array;
  private readonly losses: Float64Array;
  private readonly rates: Float64Array;
  private readonly learned: Uint8Array;
  /** Events of a row (a divergence), rare: allocated when one happens. */
  private readonly events: (StepEvent | undefined)[];
  private readonly setAside: SetAside<S>[] = [];
  private readonly sum: Float64Array;
  /** The rows and sum, borrowed for this learner's life ({@link release} gives them back). */
  private borrowed: BatchRows | undefined;
  /** Whether a call is under way, and whether the subscription has ended. */
  private busy = false;
  private releasing = false;
  private readonly norm = new Float64Array(1);
  private count = 0;
  private seq = 0;

  constructor(
    private readonly net: Network,
    private readonly optimizer: Optimizer,
    private readonly lossFn: Loss,
    private readonly forwardOnInvalid: OnInvalid,
    private readonly lossOnInvalid: OnInvalid,
    private readonly settings: UpdateSettings,
  ) {
    const k = settings.batchSize;
    this.forwarder = new Forwarder<S>(net, forwardOnInvalid);
    this.step = new StepContext<S>(net);
    this.borrowed = borrowRows(net.kernels, k, net.parameters.length);
    this.rows = this.borrowed.rows;
    this.sum = this.borrowed.sum;
    this.samples = new Array<S>(k);
    this.seqs = new Int32Array(k);
    this.losses = new Float64Array(k);
    this.rates = new Float64Array(k);
    this.learned = new Uint8Array(k);
    this.events = new Array<StepEvent | undefined>(k).fill(undefined);
  }

  /**
   * The subscription ended: the rows go back for the next learner of this network — once the
   * call under way, if any, is over (an unsubscription from inside an emission must not hand
   * out rows this learner is still to read).
   */
  release(): void {
    this.releasing = true;
    if (this.busy || this.borrowed === undefined) return;
    giveBackRows(this.net.kernels, this.borrowed);
    this.borrowed = undefined;
  }

  /** Takes one sample; emits the batch's steps when it completes one. */
  next(sample: S, emit: (step: Step<S>) => void): void {
    this.busy = true;
    try {
      this.take(sample, emit);
    } finally {
      this.done();
    }
  }

  /** The source completed: the partial batch is predicted, emitted, then learned. */
  complete(emit: (step: Step<S>) => void): void {
    this.busy = true;
    try {
      this.finish(emit);
    } finally {
      this.done();
    }
  }

  /** The source failed: what the batch holds is predicted and emitted, never learned. */
  flush(emit: (step: Step<S>) => void): void {
    this.busy = true;
    try {
      this.emitUnlearned(emit);
    } finally {
      this.done();
    }
  }

  private done(): void {
    this.busy = false;
    if (this.releasing) this.release();
  }

  private take(sample: S, emit: (step: Step<S>) => void): void {
    const seq = this.seq++;
    const row = this.rows[this.count];
    let error: unknown;
    try {
      if (readSample('forward', seq, sample, row, true)) {
        this.admit(sample, seq, emit);
        return;
      }
      error = new SampleError('loss', seq, 'y', sample.y, 'is needed to compute the loss');
      if (this.lossOnInvalid === 'error') throw error;
    } catch (e) {
      if (!(e instanceof SampleError) || this.onInvalidOf(e) === 'error') {
        this.emitUnlearned(emit);
        throw e;
      }
      error = e;
    }
    const aside: SetAside<S> = { sample, seq, error, before: this.count };
    if (this.count === 0) this.emitSetAside(aside, emit);
    else this.setAside.push(aside);
  }

  private finish(emit: (step: Step<S>) => void): void {
    if (this.count === 0) return;
    this.pass();
    this.emitAll(emit, false);
    this.learn();
    this.count = 0;
  }

  private emitUnlearned(emit: (step: Step<S>) => void): void {
    this.net.kernels.forwardBatch(this.rows, this.count);
    for (let r = 0; r < this.count; r++) {
      this.score(r);
      this.rates[r] = this.optimizer.learningRate;
    }
    this.emitAll(emit, false);
    this.count = 0;
  }

  private onInvalidOf(error: SampleError): OnInvalid {
    return error.operator === 'loss' ? this.lossOnInvalid : this.forwardOnInvalid;
  }

  private admit(sample: S, seq: number, emit: (step: Step<S>) => void): void {
    const r = this.count++;
    this.samples[r] = sample;
    this.seqs[r] = seq;
    if (this.count < this.settings.batchSize) return;
    // A full batch: forward, backward, the guard, one step; then its steps are emitted.
    this.pass();
    const updated = this.learn();
    this.emitAll(emit, updated);
    this.count = 0;
  }

  /** Predicts and scores the rows, back-propagates them and guards each, as `update` does. */
  private pass(): void {
    const { net, rows, count } = this;
    net.kernels.forwardBatch(rows, count);
    for (let r = 0; r < count; r++) this.score(r);
    net.kernels.backwardBatch(rows, count, this.lossFn);
    const optimizer = this.optimizer;
    const { divergenceCut, maxGradientNorm, clipNorm } = this.settings;
    for (let r = 0; r < count; r++) {
      const row = rows[r];
      this.rates[r] = optimizer.learningRate;
      net.kernels.gradientNormInto(row, this.norm);
      const norm = this.norm[0];
      const loss = this.losses[r];
      if (!Number.isFinite(loss) || !(norm <= maxGradientNorm)) {
        optimizer.learningRate *= divergenceCut;
        this.events[r] = {
          type: 'diverged',
          seq: this.seqs[r],
          loss,
          gradientNorm: norm,
          learningRate: optimizer.learningRate,
        };
        this.learned[r] = 0;
        // Out of the mean: no error term and no input of this row reaches the sum.
        for (let k = 0; k < row.delta.length; k++) row.delta[k].fill(0);
        row.input.fill(0);
        for (let k = 0; k + 1 < row.y.length; k++) row.y[k].fill(0);
        continue;
      }
      this.learned[r] = 1;
      if (norm > clipNorm) net.kernels.scaleGradient(row, clipNorm / norm);
    }
  }

  private score(r: number): void {
    const row = this.rows[r];
    this.losses[r] = this.lossFn.value(row.output, row.target);
  }

  /** One step along the mean gradient of the learned rows; whether there was one. */
  private learn(): boolean {
    let learned = 0;
    for (let r = 0; r < this.count; r++) learned += this.learned[r];
    if (learned === 0) return false;
    this.net.kernels.accumulateBatch(this.rows, this.count, this.sum, 1 / learned);
    stepAlong(this.net, this.optimizer, this.settings, this.sum);
    return true;
  }

  /** Emits the rows in order, with the samples set aside among them; the last row `updated`. */
  private emitAll(emit: (step: Step<S>) => void, updated: boolean): void {
    let a = 0;
    const aside = this.setAside;
    for (let r = 0; r < this.count; r++) {
      while (a < aside.length && aside[a].before <= r) this.emitSetAside(aside[a++], emit);
      this.emitRow(r, updated && r === this.count - 1, emit);
    }
    while (a < aside.length) this.emitSetAside(aside[a++], emit);
    aside.length = 0;
  }

  private emitRow(r: number, updated: boolean, emit: (step: Step<S>) => void): void {
    const step = this.step;
    const row = this.rows[r];
    this.reset(step, this.samples[r], this.seqs[r]);
    step.trace.output.set(row.output);
    step.trace.target.set(row.target);
    step.target = step.trace.target;
    step.loss = this.losses[r];
    step.lossFunction = this.lossFn;
    step.learningRate = this.rates[r];
    step.stage = Stage.Updated;
    step.updated = updated;
    const event = this.events[r];
    if (event !== undefined) {
      step.events.push(event);
      this.events[r] = undefined;
    }
    this.forwarder.fillOutputs(step);
    emit(step);
  }

  private emitSetAside(aside: SetAside<S>, emit: (step: Step<S>) => void): void {
    const step = this.step;
    this.reset(step, aside.sample, aside.seq);
    step.target = undefined;
    step.learningRate = this.optimizer.learningRate;
    step.stage = Stage.Forwarded;
    reject(step, aside.error);
    emit(step);
  }

  private reset(step: StepContext<S>, sample: S, seq: number): void {
    step.seq = seq;
    step.sample = sample;
    step.loss = Number.NaN;
    step.updated = false;
    step.lossFunction = undefined;
    step.rejection = undefined;
    step.learn = true;
    if (step.events.length !== 0) step.events.length = 0;
  }
}
