// npm run bench:ws — the WebSocket adapter under load, on loopback only, bounded (~50 s).
//
// One process runs a learner (8-32-1 tanh, SGD, samples in chunks of 500 per event-loop turn)
// and serve(); a child process opens 2,000 WebSocket clients (ws), each subscribed to
// predictions at 10 Hz and to metrics. Phases, in one run of the learner:
//   A1  5 s with no client connected            (training samples/s)
//   B  20 s with the 2,000 clients               (samples/s, delivered, latency)
//   A2  5 s after the clients have gone          (samples/s)
// It prints delivered % (predictions received / 2,000 × 10 Hz × 20 s), the p50/p99 latency
// from the step (the server's clock when it recorded the prediction) to the client's receipt,
// the server's RSS, and samples/s in B as a ratio of the mean of A1 and A2.
// The file descriptors needed (2,000 per side) are got by re-running under `ulimit -n`.
import { execFileSync, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Observable } from 'rxjs';
import WebSocket from 'ws';
import { dense, linear, mse, network, type Sample, serve, sgd, tanh, train } from '../src/index.js';

const CLIENTS = 2000;
const RATE_HZ = 10;
const WINDOW_S = 20;
const ALONE_S = 5;
const CHUNK = 500;
const self = fileURLToPath(import.meta.url);

type ToChild = { type: 'start' } | { type: 'stop' };
type FromChild =
  | { type: 'connected'; clients: number }
  | {
      type: 'result';
      received: number;
      seconds: number;
      latencies: number[];
      closedEarly: number;
    };

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

async function main(): Promise<void> {
  const limit = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  console.log(
    `bench:ws — ${CLIENTS} clients at ${RATE_HZ} Hz for ${WINDOW_S} s on loopback; node ${process.version}, open files ${limit}`,
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
  const rateOver = async (seconds: number): Promise<number> => {
    const from = server.stats().steps;
    const t0 = performance.now();
    await sleep(seconds * 1000);
    return ((server.stats().steps - from) * 1000) / (performance.now() - t0);
  };

  await sleep(1000); // warm up
  const alone1 = await rateOver(ALONE_S);
  console.log(`A1 no clients:        ${fmt(alone1)} samples/s`);

  const clients = fork(self, ['clients', server.wsUrl, String(CLIENTS)], { stdio: 'inherit' });
  const next = (): Promise<FromChild> =>
    new Promise((resolve) => clients.once('message', (m) => resolve(m as FromChild)));
  const connected = await next();
  if (connected.type !== 'connected') throw new Error('unexpected message from the clients');
  console.log(`connected: ${connected.clients} clients (server sees ${server.clientCount})`);
  await sleep(2000); // let the subscriptions settle
  clients.send({ type: 'start' } satisfies ToChild);
  const withClients = await rateOver(WINDOW_S);
  const rss = process.memoryUsage().rss;
  const stats = server.stats();
  clients.send({ type: 'stop' } satisfies ToChild);
  const result = await next();
  if (result.type !== 'result') throw new Error('unexpected message from the clients');
  await new Promise((resolve) => clients.once('exit', resolve));
  await sleep(1000);
  const alone2 = await rateOver(ALONE_S);
  running = false;
  await server.close();

  // Expected: one prediction per client per 100 ms of the window as the clients timed it.
  const expected = Math.round(CLIENTS * RATE_HZ * result.seconds);
  const lat = result.latencies;
  console.log(`B  ${CLIENTS} clients:      ${fmt(withClients)} samples/s`);
  console.log(`A2 no clients:        ${fmt(alone2)} samples/s`);
  console.log('');
  console.log(
    `delivered:            ${((100 * result.received) / expected).toFixed(2)} % (${result.received} of ${expected} predictions in the ${result.seconds.toFixed(2)} s window)`,
  );
  console.log(
    `latency:              p50 ${lat[0].toFixed(1)} ms, p99 ${lat[1].toFixed(1)} ms, max ${lat[2].toFixed(1)} ms`,
  );
  console.log(
    `server RSS:           ${(rss / 2 ** 20).toFixed(1)} MiB (with ${stats.clients} clients)`,
  );
  console.log(
    `clients dropped:      ${stats.slowClientsDropped} slow, ${stats.deadPeersTerminated} dead; closed early ${result.closedEarly}`,
  );
  console.log(
    `training ratio:       ${(withClients / ((alone1 + alone2) / 2)).toFixed(3)} (samples/s with clients / mean without)`,
  );
  process.exit(0);
}

/** The child: CLIENTS connections; counts predictions and their latency between start and stop. */
function runClients(url: string, count: number): void {
  let counting = false;
  let startedAt = 0;
  let received = 0;
  let closedEarly = 0;
  const latencies: number[] = [];
  const sockets: WebSocket[] = [];
  let open = 0;
  const subscribe = JSON.stringify({
    type: 'subscribe',
    topics: ['prediction', 'metrics'],
    maxRateHz: RATE_HZ,
  });
  const openOne = (i: number): void => {
    if (i >= count) return;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(socket);
    socket.on('open', () => {
      socket.send(subscribe);
      open++;
      if (open === count) process.send?.({ type: 'connected', clients: open } satisfies FromChild);
      openOne(i + 1 + 49); // keep about 50 handshakes in flight
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
  let stopping = false;
  for (let i = 0; i < 50; i++) openOne(i);
  process.on('message', (m: ToChild) => {
    if (m.type === 'start') {
      counting = true;
      startedAt = performance.now();
    }
    if (m.type === 'stop') {
      counting = false;
      stopping = true;
      const seconds = (performance.now() - startedAt) / 1000;
      const sorted = Float64Array.from(latencies).sort();
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
      for (const s of sockets) s.terminate();
      process.send?.(
        {
          type: 'result',
          received,
          seconds,
          latencies: [at(0.5), at(0.99), sorted[sorted.length - 1] ?? Number.NaN],
          closedEarly,
        } satisfies FromChild,
        () => process.exit(0),
      );
    }
  });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
