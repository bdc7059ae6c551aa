// npm run bench:scale — the fleet on a real redis-server (Debian's, on a free loopback port).
//
// 1. Throughput: the same samples (sensor-like: 64 keys, 8 inputs) learned by 1, 2 and 4 worker
//    processes (bench/scaleWorker.ts: the model of `streamprop worker`, 8-32-16-1, tanh, Adam,
//    scaled online, Page-Hinkley, its default checkpoints), each from a fleet of its own, against
//    the single-process learner — the same per-key models and metrics fed from memory in this
//    process, run again before each row — in wall-clock samples/s and in samples per CPU-second
//    (each worker's own CPU from its 5,000th sample applied (SCALE_WARM_UP) to the end of its final checkpoints,
//    so a busy machine does not bias the ratio; less the CPU it spent after its last sample while
//    the others still learned theirs — polling for work, shown in a column of its own), with
//    Redis's CPU per sample beside. Target: per
//    worker ≥ 0.8× the single-process learner, per CPU-second.
// 2. End-to-end latency: samples appended at 2,000/s with their time, predictions from a
//    shardedLearner in this process: p50 and p99 from append to prediction.
// 3. Takeover: 2 workers (lease 3 s, bench/scaleWorker.ts) on a paced ingest; one is killed with
//    SIGKILL; the time until all its shards have a new owner (target ≤ lease + 1 s), and the
//    samples re-learned, exactly: the (shard, offset) of every sample each worker learned,
//    written as it learns it, matched between the killed worker and its successor (beside the
//    upper bound, its shards' checkpoint lag at the kill).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, Subject, take, toArray } from 'rxjs';
import { createLearner } from '../src/cli/learner.js';
import { appendTo } from '../src/fleet/appendTo.js';
import { redisLog } from '../src/fleet/redisLog.js';
import { shardedLearner } from '../src/fleet/shardedLearner.js';
import type { Sample } from '../src/samples/sample.js';
import { metricsTracker } from '../src/tracking/metricsTracker.js';
import { sensorFeed } from '../streams/sensorFeed.js';
import { SCALE_MODEL } from './scaleWorker.js';

const SAMPLES = Number(process.env.SCALE_SAMPLES ?? 120_000);
const KEYS = 64;
const SHARDS = 64;
const MAIN = 'dist/src/cli/main.js';
const MODEL = SCALE_MODEL;
const WORKER = 'dist/bench/scaleWorker.js';
const TARGET_PER_WORKER = 0.8;
/** Samples each worker process learns before it is timed (its JIT warms up, as the reference's does). */
const WARM_UP = Number(process.env.SCALE_WARM_UP ?? 5000);
const LEASE_MS = 3000;

if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: npm run build`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
/** CPU seconds a process has used (user + system), from /proc. */
const cpuOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks of 10 ms
};
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const server = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync);
  if (server === undefined)
    throw new Error('bench:scale needs redis-server (apt-get install redis-server)');
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: npm run build`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'streamprop-scale-'));
  const redis = spawn(
    server,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const children = new Set<ReturnType<typeof spawn>>([redis]);
  try {
    await sleep(300);
    const samples = await lastValueFrom(
      sensorFeed({ sensors: KEYS, rate: 0, limit: SAMPLES, seed: 3 }).pipe(
        take(SAMPLES),
        toArray(),
      ),
    );
    console.log(
      `bench:scale — ${fmt(SAMPLES)} samples over ${KEYS} keys, ${SHARDS} shards, model 8-32-16-1 per key; Redis ${url}\n`,
    );

    // SCALE_ONLY=throughput, latency or takeover runs that part alone.
    const only = process.env.SCALE_ONLY;
    if (only === undefined || only === 'throughput')
      await throughput(url, redis.pid as number, samples, children);
    if (only === undefined || only === 'latency') {
      const latency = await endToEnd(url);
      console.log(
        `\nend-to-end latency at 2,000 samples/s (append → prediction, one process): p50 ${fmt(latency.p50, 1)} ms, p99 ${fmt(latency.p99, 1)} ms over ${fmt(latency.n)} samples`,
      );
    }
    if (only === undefined || only === 'takeover') {
      const takeover = await killOne(url, children);
      console.log(
        `takeover after kill -9 (lease ${LEASE_MS} ms): ${fmt(takeover.ms)} ms until its ${takeover.shards} shards had a new owner (target ≤ ${LEASE_MS + 1000} ms: ${takeover.ms <= LEASE_MS + 1000 ? 'met' : 'NOT met'}); samples re-learned: ${fmt(takeover.relearned)} of the ${fmt(takeover.killedLearned)} the killed worker had learned (matched by shard and offset; upper bound from its shards' checkpoint lag at the kill: ${fmt(takeover.bound)}); learned in all ${fmt(takeover.learned)} of ${fmt(takeover.appended)} appended`,
      );
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1. The single-process learner, then 1, 2 and 4 workers, per CPU-second. */
async function throughput(
  url: string,
  redisPid: number,
  samples: readonly Sample[],
  children: Set<ReturnType<typeof spawn>>,
): Promise<void> {
  singleProcess(samples.slice(0, 20_000)); // warm-up
  const rows: string[] = [];
  for (const workers of [1, 2, 4]) {
    // The reference again before each row (interleaved), so a change in the machine's load
    // between rows does not bias the ratios.
    const reference = singleProcess(samples);
    console.log(
      `single-process learner (before ${workers} worker${workers > 1 ? 's' : ''}): ${fmt(reference.perSecond)} samples/s, ${fmt(reference.perCpuSecond)} per CPU-second`,
    );
    const prefix = `scale${workers}`;
    const log = await redisLog({ url, prefix, shards: SHARDS });
    await lastValueFrom(from(samples).pipe(appendTo(log)));
    const redisCpu = cpuOf(redisPid);
    // Each worker measures itself from its first sample applied (see bench/scaleWorker.ts).
    const procs = Array.from({ length: workers }, (_, i) => {
      const p = spawn(
        process.execPath,
        [WORKER, url, prefix, `w${i}`, '10000', 'throughput', String(WARM_UP)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const last: { line: Record<string, number> } = { line: { applied: 0 } };
      let partial = '';
      p.stdout.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        if (lines.length > 0) last.line = JSON.parse(lines[lines.length - 1]);
      });
      const exited = new Promise((r) => p.once('close', r));
      return { p, last, exited };
    });
    for (const { p } of procs) children.add(p);
    while (procs.reduce((n, w) => n + w.last.line.applied, 0) < SAMPLES) await sleep(20);
    for (const { p } of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((w) => w.exited));
    for (const { p } of procs) children.delete(p);
    const brokerCpu = cpuOf(redisPid) - redisCpu;
    await log.close();
    type Final = {
      applied: number;
      cpu: number;
      at: number;
      first?: Final;
      acquired?: number;
      handedOver?: number;
      checkpoints?: number;
      idle?: number;
    };
    const finals = procs.map((w) => w.last.line as unknown as Final).filter((f) => f.first);
    const timed = finals.reduce((n, f) => n + f.applied - (f.first?.applied ?? 0), 0);
    // A worker that ran out of samples before the others only waits (polls) until the bench
    // stops them all: that CPU is left out (shown in its own column), its final checkpoints not.
    const idle = finals.reduce((n, f) => n + (f.idle ?? 0), 0);
    const cpu = finals.reduce((n, f) => n + f.cpu - (f.first?.cpu ?? 0), 0) - idle;
    const seconds =
      (Math.max(...finals.map((f) => f.at)) - Math.min(...finals.map((f) => f.first?.at ?? 0))) /
      1000;
    const moves = finals.map(
      (f) => `${f.acquired} taken, ${f.handedOver} handed over, ${f.checkpoints} checkpoints`,
    );
    const perSecond = timed / seconds;
    const perCpu = timed / cpu;
    const ratio = perCpu / reference.perCpuSecond;
    rows.push(
      `| ${workers} | ${fmt(perSecond)} | ${fmt(perSecond / workers)} | ${fmt(perCpu)} | ${fmt(ratio, 2)} | ${ratio >= TARGET_PER_WORKER ? 'met' : 'NOT met'} | ${fmt(idle * 1000)} | ${fmt((brokerCpu * 1e6) / SAMPLES, 1)} | ${moves.join('; ')} |`,
    );
  }
  console.log(
    '\n| workers | samples/s (all) | samples/s per worker | per CPU-second | ÷ single process (per CPU-s) | target ≥ 0.8 | CPU ms left out: idle after its last sample (all workers) | Redis CPU µs per sample | each worker: shards taken, handed over, checkpoints |',
  );
  console.log('|---:|---:|---:|---:|---:|---|---:|---:|---|');
  for (const row of rows) console.log(row);
  console.log(
    `(each worker's own CPU and clock from its ${fmt(WARM_UP)}th sample applied (the reference is warmed up too) to the end of its final checkpoints, less what it spent idle after its last sample; on 2 cores, 4 workers share them with Redis)`,
  );
}

/** The same per-key models in one process, fed from memory: samples/s and per CPU-second. */
function singleProcess(samples: readonly Sample[]): { perSecond: number; perCpuSecond: number } {
  const models = new Map<string, Subject<Sample>>();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const sample of samples) {
    const key = String(sample.key);
    let input = models.get(key);
    if (input === undefined) {
      input = new Subject<Sample>();
      const learner = createLearner(MODEL, { inputs: sample.x.length, outputs: 1 });
      const tracker = metricsTracker({ window: MODEL.window });
      input.pipe(learner.pipeline).subscribe((step) => tracker.add(step)); // as streamprop run counts
      models.set(key, input);
    }
    input.next(sample);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  return {
    perSecond: samples.length / seconds,
    perCpuSecond: samples.length / ((used.user + used.system) / 1e6),
  };
}

async function endToEnd(url: string): Promise<{ p50: number; p99: number; n: number }> {
  const log = await redisLog({ url, prefix: 'latency', shards: SHARDS });
  const worker = shardedLearner(log, {
    makeModel: () => createLearner(MODEL, { inputs: 8, outputs: 1 }),
    leaseMs: LEASE_MS,
  });
  const latencies: number[] = [];
  worker.predictions$.subscribe((p) => {
    if (p.t !== undefined) latencies.push(Date.now() - p.t);
  });
  await sleep(500); // the worker takes its shards
  const feed = sensorFeed({ sensors: KEYS, rate: 2000, seed: 5 }).pipe(take(20_000));
  const stamped = new Subject<Sample>();
  const appending = lastValueFrom(stamped.pipe(appendTo(log, { batch: 50 })));
  feed.subscribe({
    next: (s) => stamped.next({ ...s, t: Date.now() }),
    complete: () => stamped.complete(),
  });
  await appending;
  while (latencies.length < 19_000) await sleep(50);
  await worker.stop();
  await log.close();
  latencies.sort((a, b) => a - b);
  return {
    p50: latencies[Math.floor(latencies.length / 2)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    n: latencies.length,
  };
}

async function killOne(
  url: string,
  children: Set<ReturnType<typeof spawn>>,
): Promise<{
  ms: number;
  shards: number;
  relearned: number;
  killedLearned: number;
  bound: number;
  learned: number;
  appended: number;
}> {
  const prefix = 'takeover';
  const log = await redisLog({ url, prefix, shards: SHARDS });
  const feeding = lastValueFrom(
    sensorFeed({ sensors: KEYS, rate: 3000, seed: 7 }).pipe(take(45_000), appendTo(log)),
  );
  /** A worker that writes "SHARD OFFSET" per sample learned; `learned` collects them. */
  const start = (name: string) => {
    const p = spawn(process.execPath, [WORKER, url, prefix, name, String(LEASE_MS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(p);
    const learned: string[] = [];
    let partial = '';
    p.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      learned.push(...lines);
    });
    const exited = new Promise((r) => p.once('close', r));
    return { p, learned, exited };
  };
  const a = start('a');
  const b = start('b');
  const owners = async () => Promise.all(Array.from({ length: SHARDS }, (_, s) => log.inspect(s)));
  for (;;) {
    await sleep(200);
    const infos = await owners();
    if (
      infos.filter((i) => i.owner === 'a').length >= 20 &&
      infos.every((i) => i.owner !== undefined)
    )
      break;
  }
  // Killed once each of its shards with samples has a checkpoint (at most 30 s), 2 s later.
  const checkpointedBy = Date.now() + 30_000;
  while (Date.now() < checkpointedBy) {
    await sleep(200);
    const its = (await owners()).filter((i) => i.owner === 'a' && i.appended > 0);
    if (its.every((i) => i.applied > 0)) break;
  }
  await sleep(2000);
  const before = await owners();
  const mine = before.filter((i) => i.owner === 'a');
  const bound = mine.reduce((n, i) => n + (i.appended - i.applied), 0);
  const killedAt = Date.now();
  a.p.kill('SIGKILL');
  for (;;) {
    await sleep(20);
    const now = await Promise.all(mine.map((i) => log.inspect(i.shard)));
    if (now.every((i) => i.owner === 'b')) break;
  }
  const ms = Date.now() - killedAt;
  await feeding;
  await a.exited;
  // b learns the rest (waited for at most a minute); its final checkpoint makes the lag 0.
  const appendedAll = (await owners()).reduce((n, i) => n + i.appended, 0);
  const until = Date.now() + 60_000;
  while (new Set([...a.learned, ...b.learned]).size < appendedAll && Date.now() < until) {
    await sleep(200);
  }
  b.p.kill('SIGTERM');
  await b.exited;
  const infos = await owners();
  const appended = infos.reduce((n, i) => n + i.appended, 0);
  const byA = new Set(a.learned);
  const relearned = b.learned.filter((entry) => byA.has(entry)).length;
  const learned = new Set([...a.learned, ...b.learned]).size;
  await log.close();
  return {
    ms,
    shards: mine.length,
    relearned,
    killedLearned: byA.size,
    bound,
    learned,
    appended,
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:scale: ${(error as Error).message}`);
    process.exit(1);
  },
);
