// npm run bench:ingest — WebSocket ingest under a producer flat out, on loopback only (~50 s).
//
// One process runs serve() with a 3-400-400-1 learner fed by fromWebSocket(server); a child
// process (another machine, in effect) runs a producer that sends samples as fast as its socket
// takes them for 30 s (one in 1,000 invalid), and a watcher subscribed to the metrics, sent
// every 500 ms. It prints: the server's RSS growth over the flood (target ≤ 50 MB); the gaps
// between metrics frames at the watcher and the lateness of a 100 ms timer of the learner's
// thread (they keep their period); the producer pauses, the largest queue seen; learned +
// dropped + rejected against sent (they must be equal); and the learner's samples per second
// and per CPU-second of its thread, against a reference run of the same network on in-process
// samples (no socket), before and after the flood, in the same process.
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Observable, tap } from 'rxjs';
import WebSocket from 'ws';
import { dense, linear, mse, network, type Sample, sgd, tanh, train } from '../src/index.js';
import { serve } from '../src/serve/index.js';
import { fromWebSocket } from '../streams/index.js';

const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 30);
const REFERENCE_S = 5;
const EVERY_MS = 500;
const TIMER_MS = 100;
const INVALID_EVERY = 1000;
const TARGET_RSS_MB = 50;
const TOKEN = 'bench-producer';
const self = fileURLToPath(import.meta.url);

type ToChild = { type: 'start' } | { type: 'stop' };
type FromChild =
  | { type: 'ready' }
  | { type: 'stopped'; sent: number; invalid: number; gaps: number[] };

if (process.argv[2] === 'producer') {
  runProducer(process.argv[3]);
} else {
  await main();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function makeNet() {
  return network({
    inputs: 3,
    layers: [dense(400, tanh), dense(400, tanh), dense(1, linear)],
    seed: 1,
  });
}

function value(i: number): { x: number[]; y: number } {
  const x = [Math.sin(i / 50), Math.cos(i / 70), Math.sin(i / 13)];
  return { x, y: 0.5 * x[0] - 0.3 * x[1] * x[2] };
}

/** The CPU time of the learner's (main) thread so far, in ms (NaN where /proc is missing). */
function learnerCpuMs(): number {
  const file = `/proc/self/task/${process.pid}/stat`;
  if (!existsSync(file)) return Number.NaN;
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, ticks of 10 ms
}

interface Rate {
  readonly perSecond: number;
  readonly perLearnerCpuSecond: number;
  readonly perProcessCpuSecond: number;
}

/** The same network on in-process samples, in chunks of 200 per event-loop turn. */
async function reference(seconds: number): Promise<Rate> {
  const net = makeNet();
  const data: Sample[] = Array.from({ length: 10_000 }, (_, i) => value(i));
  let steps = 0;
  let running = true;
  const samples = new Observable<Sample>((subscriber) => {
    let i = 0;
    const chunk = (): void => {
      if (!running || subscriber.closed) return;
      for (let k = 0; k < 200; k++) subscriber.next(data[i++ % data.length]);
      setImmediate(chunk);
    };
    setImmediate(chunk);
  });
  const subscription = samples
    .pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.001 }) }))
    .subscribe(() => steps++);
  await sleep(500); // warm up
  const from = steps;
  const cpu0 = learnerCpuMs();
  const process0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(process0);
  const n = steps - from;
  running = false;
  subscription.unsubscribe();
  return {
    perSecond: n / elapsed,
    perLearnerCpuSecond: n / ((learnerCpuMs() - cpu0) / 1000),
    perProcessCpuSecond: n / ((used.user + used.system) / 1e6),
  };
}

async function main(): Promise<void> {
  console.log(
    `bench:ingest — a producer flat out for ${SECONDS} s into a 3-400-400-1 learner over loopback; node ${process.version}, load average ${loadavg()[0].toFixed(2)}`,
  );
  const before = await reference(REFERENCE_S);

  const net = makeNet();
  let learned = 0;
  let rejected = 0;
  const server = await serve(
    (s) =>
      fromWebSocket(s, { inputs: 3, outputs: 1 }).pipe(
        train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.001 }), onInvalid: 'skip' }),
        tap((step) => {
          if (step.rejection === undefined) learned++;
          else rejected++;
        }),
      ),
    {
      producerToken: TOKEN,
      network: net,
      metrics: { everyMs: EVERY_MS },
      ...(process.env.BENCH_INGEST_QUEUE === undefined
        ? {}
        : { maxIngest: { samples: Number(process.env.BENCH_INGEST_QUEUE) } }),
    },
  );
  const child = fork(self, ['producer', server.wsUrl], { stdio: 'inherit', detached: true });
  const next = (): Promise<FromChild> =>
    new Promise((resolve) => child.once('message', (m: FromChild) => resolve(m)));
  await next(); // ready: connected
  global.gc?.();
  await sleep(1000);
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const heap0 = process.memoryUsage().heapUsed;
  let heapMax = heap0;
  let maxQueued = 0;
  let latest = performance.now();
  let lateMax = 0;
  const lateness: number[] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - latest - TIMER_MS;
    latest = now;
    lateness.push(late);
    lateMax = Math.max(lateMax, late);
    const memory = process.memoryUsage();
    rssMax = Math.max(rssMax, memory.rss);
    heapMax = Math.max(heapMax, memory.heapUsed);
    maxQueued = Math.max(maxQueued, server.stats().samplesQueued);
  }, TIMER_MS);

  const steps0 = learned + rejected;
  const cpu0 = learnerCpuMs();
  const process0 = process.cpuUsage();
  const t0 = performance.now();
  latest = t0;
  child.send({ type: 'start' } satisfies ToChild);
  await sleep(SECONDS * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(process0);
  const learnerCpu = (learnerCpuMs() - cpu0) / 1000;
  const stepsInWindow = learned + rejected - steps0;
  const stopped = next();
  child.send({ type: 'stop' } satisfies ToChild);
  const report = (await stopped) as Extract<FromChild, { type: 'stopped' }>;
  // Everything sent is learned, rejected or dropped once the queue is empty.
  const deadline = Date.now() + 120_000;
  while (learned + rejected + server.stats().samplesDropped < report.sent) {
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  clearInterval(timer);
  const stats = server.stats();
  await server.close();
  child.disconnect();
  const after = await reference(REFERENCE_S);

  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  const growth = (rssMax - rss0) / 1e6;
  const gaps = report.gaps;
  const sorted = [...gaps].sort((a, b) => a - b);
  const pct = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const lateSorted = [...lateness].sort((a, b) => a - b);
  const latePct = (p: number): number =>
    lateSorted[Math.min(lateSorted.length - 1, Math.floor(p * lateSorted.length))];
  const rate = stepsInWindow / elapsed;
  const refRate = (before.perSecond + after.perSecond) / 2;
  const refLearnerCpu = (before.perLearnerCpuSecond + after.perLearnerCpuSecond) / 2;
  const refProcessCpu = (before.perProcessCpuSecond + after.perProcessCpuSecond) / 2;
  const total = learned + stats.samplesDropped + rejected;
  console.log('');
  console.log(
    `sent:                 ${report.sent.toLocaleString('en')} samples (${report.invalid} invalid) in ${elapsed.toFixed(1)} s`,
  );
  console.log(
    `learned + dropped + rejected = ${learned.toLocaleString('en')} + ${stats.samplesDropped} + ${rejected} = ${total.toLocaleString('en')} (${total === report.sent ? 'equal to sent' : 'NOT EQUAL to sent'})`,
  );
  console.log(
    `server RSS:           ${mb(rss0)} MB at the start, ${mb(rssMax)} MB at most: growth ${growth.toFixed(1)} MB (target ≤ ${TARGET_RSS_MB} MB)`,
  );
  console.log(`learner's heap:       ${mb(heap0)} MB used at the start, ${mb(heapMax)} MB at most`);
  console.log(
    `ingest queue:         at most ${maxQueued.toLocaleString('en')} samples queued; producer paused ${stats.producerPauses.toLocaleString('en')} times`,
  );
  console.log(
    `metrics frames:       ${gaps.length + 1} during the flood, every ${EVERY_MS} ms: gaps p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${sorted[sorted.length - 1]} ms`,
  );
  console.log(
    `${TIMER_MS} ms timer:         late by p50 ${latePct(0.5).toFixed(1)} ms, p99 ${latePct(0.99).toFixed(1)} ms, max ${lateMax.toFixed(1)} ms`,
  );
  console.log(
    `learner:              ${rate.toFixed(0)} samples/s; ${(stepsInWindow / learnerCpu).toFixed(0)} per CPU-second of its thread; ${(stepsInWindow / ((used.user + used.system) / 1e6)).toFixed(0)} per CPU-second of the process (socket thread included)`,
  );
  console.log(
    `reference (no socket): ${refRate.toFixed(0)} samples/s; ${refLearnerCpu.toFixed(0)} per CPU-second of the thread; ${refProcessCpu.toFixed(0)} per process CPU-second (before ${before.perSecond.toFixed(0)}, after ${after.perSecond.toFixed(0)} samples/s)`,
  );
  console.log(
    `ratio to reference:   ${(rate / refRate).toFixed(3)} wall clock, ${(stepsInWindow / learnerCpu / refLearnerCpu).toFixed(3)} per learner CPU-second, ${(stepsInWindow / ((used.user + used.system) / 1e6) / refProcessCpu).toFixed(3)} per process CPU-second`,
  );
  console.log(`load average now:     ${loadavg()[0].toFixed(2)} (the machine is shared)`);
  const ok =
    total === report.sent && growth <= TARGET_RSS_MB && sorted[sorted.length - 1] < 4 * EVERY_MS;
  console.log(ok ? '\nall targets met' : '\nTARGET MISSED');
  process.exitCode = ok ? 0 : 1;
}

/** The child: a producer flat out, and a watcher of the metrics frames. */
function runProducer(url: string): void {
  const producer = new WebSocket(url, ['streamprop.v1', `token.${TOKEN}`]);
  const watcher = new WebSocket(url);
  let sending = false;
  let sent = 0;
  let invalid = 0;
  let lastMetrics = 0;
  const gaps: number[] = [];
  let opened = 0;
  const opening = (): void => {
    opened++;
    if (opened < 2) return;
    watcher.send(JSON.stringify({ type: 'subscribe', topics: ['metrics'] }));
    process.send?.({ type: 'ready' } satisfies FromChild);
  };
  producer.on('open', opening);
  watcher.on('open', opening);
  watcher.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string };
    if (message.type !== 'metrics' || !sending) return;
    const now = Date.now();
    if (lastMetrics > 0) gaps.push(now - lastMetrics);
    lastMetrics = now;
  });
  // As fast as the socket takes them: send while less than 1 MiB waits in this process.
  const pump = (): void => {
    if (!sending) return;
    for (let k = 0; k < 2000 && producer.bufferedAmount < 1 << 20; k++) {
      const i = sent++;
      if (i % INVALID_EVERY === INVALID_EVERY - 1) {
        invalid++;
        producer.send(`{"type":"sample","sample":{"x":[${i},"a",1],"y":0}}`);
      } else {
        const { x, y } = value(i);
        producer.send(`{"type":"sample","sample":{"x":[${x.join(',')}],"y":${y}}}`);
      }
    }
    if (producer.bufferedAmount < 1 << 20) setImmediate(pump);
    else setTimeout(pump, 1);
  };
  process.on('message', (message: ToChild) => {
    if (message.type === 'start') {
      sending = true;
      pump();
      return;
    }
    sending = false;
    // Report once everything sent has left this process.
    const flushed = (): void => {
      if (producer.bufferedAmount > 0) {
        setTimeout(flushed, 5);
        return;
      }
      process.send?.({ type: 'stopped', sent, invalid, gaps } satisfies FromChild);
      producer.close();
      watcher.close();
    };
    flushed();
  });
  process.on('disconnect', () => process.exit(0));
}
