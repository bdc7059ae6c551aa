// npm run bench:ws — the WebSocket adapter under load, on loopback only, bounded (~50 s).
//
// One process runs a learner (8-32-1 tanh, SGD, samples in chunks of 500 per event-loop turn)
// and serve(); a child process opens 2,000 WebSocket clients (ws), each subscribed to
// predictions at 10 Hz and to metrics. The phases alternate, in one run of the learner, so that
// a machine whose load changes (it is shared) weighs on both sides alike:
//   A1 5 s no client | B1 10 s 2,000 clients | A2 5 s no client | B2 10 s 2,000 clients | A3 5 s no client
// (clients connect before a B window and leave after it, outside the windows). It prints the
// training samples/s of each window, delivered % (predictions received / 2,000 × 10 Hz × the B
// seconds), the p50/p99 latency from the step (the server's clock when it recorded the
// prediction) to the client's receipt, the server's RSS, the CPU the learner's thread got, and
// the ratio of samples/s with clients to samples/s without, each against its target.
// The file descriptors needed (2,000 per side) are got by re-running under `ulimit -n`.
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Observable } from 'rxjs';
import WebSocket from 'ws';
import { dense, linear, mse, network, type Sample, sgd, tanh, train } from '../src/index.js';
import { serve } from '../src/serve/index.js';

const CLIENTS = 2000;
const RATE_HZ = 10;
/** The B windows: 2 × 10 s = 20 s of 2,000 clients. */
const WINDOW_S = 10;
const ALONE_S = 5;
const CHUNK = 500;
const TARGET_DELIVERED = 99.5; // %: 100 % up to the window edges
const TARGET_P99_MS = 100;
const TARGET_RATIO = 0.85;
const self = fileURLToPath(import.meta.url);

type ToChild = { type: 'connect' } | { type: 'start' } | { type: 'stop' } | { type: 'report' };
type FromChild =
  | { type: 'connected'; clients: number }
  | { type: 'started' }
  | { type: 'stopped'; received: number; seconds: number }
  | { type: 'report'; latencies: [number, number, number]; closedEarly: number; cpu: number };

if (process.argv[2] === 'clients') {
  runClients(process.argv[3], Number(process.argv[4]));
} else if (process.env.STREAMPROP_BENCH_WS !== 'raised') {
  // Re-run with the soft limit on open files raised (to the hard limit if 65,536 is refused).
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$1"',
      process.execPath,
      self,
    ],
    { stdio: 'inherit', env: { ...process.env, STREAMPROP_BENCH_WS: 'raised' } },
  );
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}

/** What one window measured. */
interface Window {
  readonly name: string;
  readonly rate: number;
  /** The share of the window the learner's thread was on a CPU (NaN where not measurable). */
  readonly busy: number;
  /** The process's CPU time over the window, in cores (all threads: learner, socket worker, GC). */
  readonly cores: number;
}

async function main(): Promise<void> {
  const limit = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  console.log(
    `bench:ws — ${CLIENTS} clients at ${RATE_HZ} Hz for 2 × ${WINDOW_S} s on loopback; node ${process.version}, open files ${limit}, load average ${loadavg()[0].toFixed(2)}`,
  );
  // A learner that never stops by itself: chunks of CHUNK samples, one per event-loop turn.
  const data: Sample[] = Array.from({ length: 10_000 }, (_, i) => {
    const x = Array.from({ length: 8 }, (_, j) => Math.sin((i + j) / 7));
    return { x, y: Math.sin((i + 8) / 7) };
  });
  let running = true;
  const samples = new Observable<Sample>((subscriber) => {
    let i = 0;
    const chunk = (): void => {
      if (!running || subscriber.closed) return;
      for (let k = 0; k < CHUNK; k++) subscriber.next(data[i++ % data.length]);
      setImmediate(chunk);
    };
    setImmediate(chunk);
  });
  const net = network({ inputs: 8, layers: [dense(32, tanh), dense(1, linear)], seed: 1 });
  const server = await serve(
    samples.pipe(train(net, { loss: mse(), optimizer: sgd({ learningRate: 0.01 }) })),
    { network: net },
  );
  const windows: Window[] = [];
  const measure = async (name: string, seconds: number): Promise<Window> => {
    const from = server.stats().steps;
    const cpu0 = learnerCpuMs();
    const process0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const elapsed = performance.now() - t0;
    const used = process.cpuUsage(process0);
    const window: Window = {
      name,
      rate: ((server.stats().steps - from) * 1000) / elapsed,
      busy: (learnerCpuMs() - cpu0) / elapsed,
      cores: (used.user + used.system) / 1000 / elapsed,
    };
    windows.push(window);
    return window;
  };

  // The clients stand for other machines: their process gets a session of its own (detached),
  // so that under Linux's autogroup scheduling it does not share the server's CPU share.
  const clients = fork(self, ['clients', server.wsUrl, String(CLIENTS)], {
    stdio: 'inherit',
    detached: true,
  });
  const ask = <T extends FromChild['type']>(
    message: ToChild,
    answer: T,
  ): Promise<Extract<FromChild, { type: T }>> =>
    new Promise((resolve, reject) => {
      clients.once('message', (m: FromChild) =>
        m.type === answer
          ? resolve(m as Extract<FromChild, { type: T }>)
          : reject(new Error(`expected ${answer} from the clients, got ${m.type}`)),
      );
      clients.send(message);
    });
  let received = 0;
  let seconds = 0;
  let rss = 0;
  const loaded = async (name: string): Promise<void> => {
    const connected = await ask({ type: 'connect' }, 'connected');
    console.log(`   connected ${connected.clients} clients (server sees ${server.clientCount})`);
    await sleep(2000); // let the subscriptions settle
    await ask({ type: 'start' }, 'started');
    await measure(name, WINDOW_S);
    rss = Math.max(rss, process.memoryUsage().rss);
    const stopped = await ask({ type: 'stop' }, 'stopped');
    received += stopped.received;
    seconds += stopped.seconds;
    while (server.clientCount > 0) await sleep(50);
    await sleep(1000); // the clients are gone
  };

  await sleep(1000); // warm up
  report(await measure('A1', ALONE_S));
  await loaded('B1');
  report(windows[1]);
  report(await measure('A2', ALONE_S));
  await loaded('B2');
  report(windows[3]);
  report(await measure('A3', ALONE_S));
  const { latencies: lat, closedEarly, cpu } = await ask({ type: 'report' }, 'report');
  const stats = server.stats();
  running = false;
  await server.close();

  const [a1, b1, a2, b2, a3] = windows;
  const ratio1 = b1.rate / ((a1.rate + a2.rate) / 2);
  const ratio2 = b2.rate / ((a2.rate + a3.rate) / 2);
  const alone = (a1.rate + 2 * a2.rate + a3.rate) / 4; // each B against the A on its two sides
  const ratio = (b1.rate + b2.rate) / 2 / alone;
  // Expected: one prediction per client per 100 ms of the windows as the clients timed them.
  const expected = Math.round(CLIENTS * RATE_HZ * seconds);
  const delivered = (100 * received) / expected;
  console.log('');
  console.log(
    `delivered:            ${delivered.toFixed(2)} % (${received} of ${expected} predictions in ${seconds.toFixed(2)} s)`,
  );
  console.log(
    `latency:              p50 ${lat[0].toFixed(1)} ms, p99 ${lat[1].toFixed(1)} ms, max ${lat[2].toFixed(1)} ms`,
  );
  console.log(`server RSS:           ${(rss / 2 ** 20).toFixed(1)} MiB (with ${CLIENTS} clients)`);
  console.log(
    `clients dropped:      ${stats.slowClientsDropped} slow, ${stats.deadPeersTerminated} dead; closed early ${closedEarly}`,
  );
  console.log(`clients' process:     ${cpu.toFixed(2)} cores while counting`);
  console.log(
    `training ratio:       ${ratio.toFixed(3)} (samples/s with clients / without; B1 ${ratio1.toFixed(3)}, B2 ${ratio2.toFixed(3)})`,
  );
  // Samples per CPU-second of the learner's thread: what the adapter costs that thread itself,
  // whatever share of the cores the scheduler gave it (a loaded machine moves the ratio above).
  const perCpu = (w: Window): number => w.rate / w.busy;
  const cpuRatio = (perCpu(b1) + perCpu(b2)) / 2 / ((perCpu(a1) + 2 * perCpu(a2) + perCpu(a3)) / 4);
  console.log(
    `per learner CPU-s:    ${Number.isFinite(cpuRatio) ? cpuRatio.toFixed(3) : 'n/a'} (samples per CPU-second of the learner's thread, with clients / without)`,
  );
  console.log(`load average now:     ${loadavg()[0].toFixed(2)} (the machine is shared)`);
  console.log('');
  const verdicts = [
    verdict(
      'delivered',
      delivered >= TARGET_DELIVERED,
      `${delivered.toFixed(2)} % (≥ ${TARGET_DELIVERED} %)`,
    ),
    verdict(
      'p99 latency',
      lat[1] < TARGET_P99_MS,
      `${lat[1].toFixed(1)} ms (< ${TARGET_P99_MS} ms)`,
    ),
    verdict('training ratio', ratio >= TARGET_RATIO, `${ratio.toFixed(3)} (≥ ${TARGET_RATIO})`),
  ];
  console.log(
    verdicts.every(Boolean) ? 'verdict: every target met' : 'verdict: a target was missed',
  );
  process.exit(0);
}

function report(window: Window): void {
  const busy = Number.isFinite(window.busy) ? `${(100 * window.busy).toFixed(0)} %` : 'n/a';
  const label = window.name.startsWith('A') ? 'no clients' : `${CLIENTS} clients`;
  console.log(
    `${window.name.padEnd(3)}${label.padEnd(13)} ${fmt(window.rate).padStart(9)} samples/s   learner thread on CPU ${busy.padStart(5)}, other threads ${(window.cores - window.busy).toFixed(2)} cores`,
  );
}

function verdict(name: string, ok: boolean, figure: string): boolean {
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(16)} ${figure}`);
  return ok;
}

/** The CPU time of this process's main thread (the learner's), in ms, from /proc (Linux); NaN elsewhere. */
function learnerCpuMs(): number {
  const file = `/proc/self/task/${process.pid}/stat`;
  if (!existsSync(file)) return Number.NaN;
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 10 ms
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The child: CLIENTS connections per B window; counts predictions and their latency while told to. */
function runClients(url: string, count: number): void {
  let counting = false;
  let startedAt = 0;
  let received = 0;
  let closedEarly = 0;
  let stopping = false;
  let cpuFrom = process.cpuUsage();
  let cpuSeconds = 0;
  let countedSeconds = 0;
  const latencies: number[] = [];
  let sockets: WebSocket[] = [];
  const subscribe = JSON.stringify({
    type: 'subscribe',
    topics: ['prediction', 'metrics'],
    maxRateHz: RATE_HZ,
  });
  const connect = (): void => {
    stopping = false;
    sockets = [];
    let open = 0;
    const openOne = (i: number): void => {
      if (i >= count) return;
      const socket = new WebSocket(url, { perMessageDeflate: false });
      sockets.push(socket);
      socket.on('open', () => {
        socket.send(subscribe);
        open++;
        if (open === count)
          process.send?.({ type: 'connected', clients: open } satisfies FromChild);
        openOne(i + 50); // keep about 50 handshakes in flight
      });
      socket.on('message', (data) => {
        if (!counting) return;
        const text = data.toString();
        if (!text.startsWith('{"type":"prediction"')) return;
        const now = Date.now();
        const t = JSON.parse(text).t as number;
        received++;
        latencies.push(now - t);
      });
      socket.on('close', () => {
        if (!stopping) closedEarly++;
      });
      socket.on('error', () => {});
    };
    for (let i = 0; i < 50; i++) openOne(i);
  };
  process.on('disconnect', () => process.exit(0)); // the server's process is gone
  process.on('message', (m: ToChild) => {
    switch (m.type) {
      case 'connect':
        connect();
        return;
      case 'start':
        counting = true;
        received = 0;
        startedAt = performance.now();
        cpuFrom = process.cpuUsage();
        process.send?.({ type: 'started' } satisfies FromChild);
        return;
      case 'stop': {
        counting = false;
        stopping = true;
        const seconds = (performance.now() - startedAt) / 1000;
        const used = process.cpuUsage(cpuFrom);
        cpuSeconds += (used.user + used.system) / 1e6;
        countedSeconds += seconds;
        for (const s of sockets) s.terminate();
        process.send?.({ type: 'stopped', received, seconds } satisfies FromChild);
        return;
      }
      case 'report': {
        const sorted = Float64Array.from(latencies).sort();
        const at = (q: number): number =>
          sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
        process.send?.(
          {
            type: 'report',
            latencies: [at(0.5), at(0.99), sorted[sorted.length - 1] ?? Number.NaN],
            closedEarly,
            cpu: cpuSeconds / countedSeconds,
          } satisfies FromChild,
          () => process.exit(0),
        );
        return;
      }
    }
  });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
