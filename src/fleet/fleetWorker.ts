import type { Subject } from 'rxjs';
import { EntryCursor } from './entryCursor.js';
import type { FleetWorkerSettings } from './fleetWorkerSettings.js';
import { START_OFFSET } from './offset.js';
import { openKey } from './openKey.js';
import { sampleOfCompactBytes } from './sampleOfCompactBytes.js';
import { sampleOfRecord } from './sampleRecord.js';
import type { FleetMetrics, FleetPrediction, ShardedLearnerStats } from './shardedLearner.js';
import type { Lease, ShardedLog } from './shardedLog.js';
import { type ShardPart, ShardReads } from './shardReads.js';
import { type KeyState, ShardState } from './shardState.js';
import { wakeableDelay } from './wakeableDelay.js';

/**
 * @internal The loop of one worker of `shardedLearner`. Everything that changes a shard —
 * reading and applying entries, checkpoints, renewals, taking and handing over shards — runs in
 * this one loop, one step after the other, so no two of them ever overlap.
 */
export class FleetWorker {
  readonly done: Promise<void>;
  private readonly held = new Map<number, ShardState>();
  private readonly reads: ShardReads;
  private readonly cursor = new EntryCursor();
  private stopping = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private nextTick = 0;
  private nextMetrics = 0;
  private readonly tickMs: number;
  /** The longest stretch of learning or checkpointing without a pause, in ms (a tenth of a lease). */
  private readonly budgetMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  private beating: Promise<void> | undefined;
  /** Live workers at the last announcement (this one included); `undefined` before the first. */
  private live: number | undefined;
  private readonly counts = {
    applied: 0,
    learned: 0,
    rejected: 0,
    checkpoints: 0,
    refused: 0,
    acquired: 0,
    handedOver: 0,
    lost: 0,
    logErrors: 0,
  };

  constructor(
    private readonly log: ShardedLog,
    private readonly settings: FleetWorkerSettings,
    private readonly predictions: Subject<FleetPrediction>,
    private readonly metrics: Subject<FleetMetrics>,
  ) {
    this.tickMs = Math.min(500, Math.max(10, Math.floor(settings.leaseMs / 6)));
    this.budgetMs = Math.max(20, Math.floor(settings.leaseMs / 10));
    this.reads = new ShardReads(log, settings.batch, (work) => this.logCall(work));
    this.heartbeat = setInterval(() => void this.beat(), this.tickMs);
    this.done = this.run();
    this.done.catch(() => {}); // the caller sees it through `done`
  }

  stats(): ShardedLearnerStats {
    return { shards: [...this.held.keys()].sort((a, b) => a - b), ...this.counts };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopping && this.failure === undefined) {
        const now = Date.now();
        if (now >= this.nextTick) {
          this.nextTick = now + this.tickMs;
          if (this.live === undefined) await this.beat();
          await this.rebalance();
        }
        this.expireLocally();
        if (this.held.size === 0) {
          await this.pause(this.nextTick - Date.now());
          continue;
        }
        await this.readAndApply();
        if (this.failure !== undefined) break;
        await this.checkpointDue();
        if (Date.now() >= this.nextMetrics) {
          this.nextMetrics = Date.now() + this.settings.metricsMs;
          this.emitMetrics();
        }
      }
      if (this.failure === undefined) {
        await this.reads.settle();
        this.emitMetrics();
        for (const state of [...this.held.values()]) await this.handOver(state, 'stop');
        clearInterval(this.heartbeat);
        await this.beating;
        await this.logCall(() => this.log.depart(this.settings.name));
      }
    } finally {
      clearInterval(this.heartbeat);
      for (const state of this.held.values()) state.close();
      this.held.clear();
    }
    if (this.failure !== undefined) {
      this.predictions.error(this.failure);
      this.metrics.error(this.failure);
      throw this.failure;
    }
    this.predictions.complete();
    this.metrics.complete();
  }

  /**
   * The heartbeat, on a timer of its own so that it goes on while the loop waits on the log:
   * announces the worker and renews every lease held; a lease found gone drops its shard.
   */
  private beat(): Promise<void> {
    this.beating ??= (async () => {
      const { log, settings } = this;
      const members = await this.logCall(() => log.announce(settings.name, settings.leaseMs));
      if (members !== undefined) {
        const live = Math.max(1, members.filter((m) => m.name !== settings.name).length + 1);
        if (live !== this.live) this.nextTick = 0; // a worker came or went: rebalance at once
        this.live = live;
      }
      const states = [...this.held.values()];
      const sent = Date.now();
      const renewals = await Promise.all(
        states.map((state) => this.logCall(() => log.renew(state.lease, settings.leaseMs))),
      );
      states.forEach((state, i) => {
        if (renewals[i] === true) state.renewedAt = sent;
        else if (renewals[i] === false) this.lose(state);
      });
    })().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  /** Takes or hands over shards to hold `ceil(shards / live workers)`. */
  private async rebalance(): Promise<void> {
    const { log, settings } = this;
    if (this.live === undefined) return;
    const target = Math.ceil(log.shards / this.live);
    if (this.held.size > target) {
      const extra = [...this.held.values()]
        .sort((a, b) => settings.preference(b.shard) - settings.preference(a.shard))
        .slice(0, this.held.size - target);
      for (const state of extra) await this.handOver(state, 'rebalance');
      return;
    }
    const candidates = Array.from({ length: log.shards }, (_, s) => s)
      .filter((s) => !this.held.has(s))
      .sort((a, b) => settings.preference(a) - settings.preference(b));
    while (this.held.size < target && candidates.length > 0 && !this.stopping) {
      const tries = candidates.splice(0, target - this.held.size);
      const asked = Date.now();
      const leases = await Promise.all(
        tries.map((s) => this.logCall(() => log.acquire(s, settings.name, settings.leaseMs))),
      );
      await Promise.all(
        leases.map((lease) => (lease === undefined ? undefined : this.take(lease, asked))),
      );
    }
  }

  /** Loads a shard just leased: its checkpoint's offset and saved keys. */
  private async take(lease: Lease, asked: number): Promise<void> {
    const loaded = await this.logCall(async () => ({ saved: await this.log.load(lease.shard) }));
    if (loaded === undefined) return; // not loaded: the lease expires and the shard is taken again
    const saved = loaded.saved;
    const state = new ShardState(
      lease.shard,
      lease,
      saved?.offset ?? START_OFFSET,
      saved?.applied ?? 0,
      saved?.models ?? new Map(),
      asked,
    );
    this.held.set(lease.shard, state);
    this.counts.acquired++;
  }

  /** Checkpoints a shard and releases it (to rebalance, or when stopping). */
  private async handOver(state: ShardState, why: 'rebalance' | 'stop'): Promise<void> {
    const written =
      state.sinceCheckpoint === 0 && state.dirty.size === 0 ? true : await this.checkpoint(state);
    if (written && this.held.get(state.shard) === state) {
      await this.logCall(() => this.log.release(state.lease));
      this.held.delete(state.shard);
      state.close();
      if (why === 'rebalance') this.counts.handedOver++;
    }
  }

  private lose(state: ShardState): void {
    if (this.held.get(state.shard) !== state) return;
    this.held.delete(state.shard);
    state.close();
    this.counts.lost++;
  }

  /** Drops the shards whose lease has not been renewed for a whole lease (it may be gone). */
  private expireLocally(): void {
    const oldest = Date.now() - this.settings.leaseMs;
    for (const state of [...this.held.values()]) if (state.renewedAt < oldest) this.lose(state);
  }

  /**
   * Applies the next batch of entries, shard after shard, while the one after is read; stops
   * early past the time budget or on a failure (the rest is read again: offsets advance only
   * as entries are applied).
   */
  private async readAndApply(): Promise<void> {
    const parts = await this.reads.next(this.held);
    if (parts === undefined) {
      await this.pause(200);
      return;
    }
    if (parts.length > 0) this.reads.readAhead(parts, this.held);
    const end = Date.now() + this.budgetMs;
    for (const part of parts) {
      if (this.held.get(part.shard) !== part.state) continue; // lost or taken again meanwhile
      if (!this.applyPart(part, end)) return;
    }
  }

  /**
   * Applies the entries of one shard, in order, read in place (no text per entry but for a
   * record that is not compact); whether to go on with the next shard. The shard's offset is
   * set as of the last entry applied when they end; each key's, where it lies in the bytes.
   */
  private applyPart(part: ShardPart, end: number): boolean {
    const { state, bytes } = part;
    const cursor = this.cursor.reset(part);
    const emit = this.predictions.observed;
    const where = () => `shard ${state.shard}, entry ${cursor.offset()}`;
    let keyState: KeyState | undefined; // the key of the entry being applied
    let keyValue: unknown;
    let lastStart = 0; // where the offset of the last entry applied lies (none: lastEnd < 0)
    let lastEnd = -1;
    let applied = 0;
    let goOn = true;
    while (cursor.next()) {
      // Past the budget, the rest waits for the next read; the clock is read every 32 entries.
      if ((applied & 31) === 0 && Date.now() > end) {
        goOn = false;
        break;
      }
      const sample =
        sampleOfCompactBytes(bytes, cursor.bodyStart, cursor.bodyEnd) ??
        sampleOfRecord(cursor.body(), where);
      if (keyState === undefined || sample.key !== keyValue) {
        keyValue = sample.key;
        const key = keyValue === undefined ? '' : String(keyValue);
        keyState = state.keys.get(key);
        if (keyState === undefined) {
          try {
            keyState = openKey(state, key, this.settings.makeModel, this.settings.alpha, (e) => {
              this.failure ??= e;
            });
          } catch (error) {
            this.failure ??= error;
            break;
          }
        }
        state.dirty.add(key);
      }
      keyState.step = undefined;
      keyState.send(sample);
      const step = keyState.step as KeyState['step'];
      if (this.failure !== undefined) break;
      if (step === undefined) {
        this.failure = new Error(
          `shardedLearner: the pipeline of key ${JSON.stringify(keyState.key)} gave no step for a sample at once; its operators must be synchronous, one step per sample`,
        );
        break;
      }
      keyState.count(step);
      if (step.rejection === undefined) this.counts.learned++;
      else this.counts.rejected++;
      applied++;
      state.applied++;
      state.sinceCheckpoint++;
      this.counts.applied++;
      lastStart = cursor.offsetStart;
      lastEnd = cursor.offsetEnd;
      keyState.offsetAt(bytes, lastStart, lastEnd);
      if (emit && step.rejection === undefined) {
        this.predictions.next({
          worker: this.settings.name,
          shard: state.shard,
          offset: cursor.offset(),
          key: keyState.key,
          prediction: Array.from(step.output),
          actual: step.actual === undefined ? undefined : Array.from(step.actual),
          ...(sample.id === undefined ? {} : { id: sample.id }),
          ...(sample.t === undefined ? {} : { t: sample.t }),
        });
      }
    }
    if (lastEnd >= 0) state.offset = bytes.toString('latin1', lastStart, lastEnd);
    return goOn && this.failure === undefined;
  }

  /** Writes the checkpoints that are due, the longest waiting first, within the time budget. */
  private async checkpointDue(): Promise<void> {
    const now = Date.now();
    const due = [...this.held.values()]
      .filter(
        (state) =>
          state.sinceCheckpoint > 0 &&
          (state.sinceCheckpoint >= this.settings.checkpointEvery ||
            now - state.checkpointedAt >= this.settings.checkpointMs),
      )
      .sort((a, b) => a.checkpointedAt - b.checkpointedAt);
    const end = now + this.budgetMs;
    for (const state of due) {
      if (Date.now() > end) return;
      await this.checkpoint(state);
    }
  }

  /** Writes a shard's checkpoint; on a refusal the shard is dropped. Whether it was written. */
  private async checkpoint(state: ShardState): Promise<boolean> {
    const write = state.checkpointWrite(this.settings.name, Date.now());
    const written = await this.logCall(() => this.log.commit(state.lease, write));
    if (written === true) {
      state.dirty.clear();
      state.sinceCheckpoint = 0;
      state.checkpointedAt = Date.now();
      this.counts.checkpoints++;
      return true;
    }
    if (written === false) {
      this.counts.refused++;
      this.lose(state);
    }
    return false;
  }

  private emitMetrics(): void {
    if (!this.metrics.observed) return;
    const t = Date.now();
    for (const state of this.held.values()) {
      for (const k of state.keys.values()) {
        if (k.fresh === 0) continue;
        k.fresh = 0;
        const { errors: _, ...counts } = k.record();
        this.metrics.next({
          worker: this.settings.name,
          shard: state.shard,
          offset: k.offset,
          key: k.key,
          t,
          ...counts,
          ...k.errors.figures(),
        });
      }
    }
  }

  /** Runs a call to the log; a failure is counted, told and answered with `undefined`. */
  private async logCall<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      this.counts.logErrors++;
      this.settings.onLogError(error);
      return undefined;
    }
  }

  /** Waits `ms`, or less if the worker is stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return wakeableDelay(ms, (wake) => {
      this.wake = wake;
    });
  }
}
