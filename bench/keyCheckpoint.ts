// npm run bench:key-checkpoint — what a fleet worker pays to save and load one key's state (~20 s).
//
// One key of bench:scale's model (8-32-16-1, Adam, scaled inputs and targets, Page-Hinkley,
// its error metrics) learns 2,000 samples; then, interleaved over several rounds, its state is
// written and read back into a model made anew by `makeModel` in two formats: `saveKey` /
// `restoreKey` (`streamprop-key`: weights and optimizer moments as float64 in base64) and the
// reference, the same state as one `streamprop-checkpoint` JSON text with the key's record in
// `run` (what streamprop 0.1 wrote per key, still read). It prints the CPU time per call
// (process.cpuUsage) of each, the ratio, and the bytes; and checks that both give back the
// weights bit for bit.
import { Subject } from 'rxjs';
import { createLearner } from '../src/cli/learner.js';
import { restoreKey, saveKey } from '../src/fleet/keyCheckpoint.js';
import { KeyErrors } from '../src/fleet/keyErrors.js';
import type { KeyRecord } from '../src/fleet/keyModel.js';
import { type CheckpointJson, toCheckpoint } from '../src/model/checkpoint.js';
import type { Sample } from '../src/samples/sample.js';
import type { Step } from '../src/steps/step.js';
import { SCALE_MODEL } from './scaleWorker.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = 200;
const ALPHA = 0.01;
const makeModel = () => createLearner(SCALE_MODEL, { inputs: 8, outputs: 1 });

const model = makeModel();
const errors = new KeyErrors(ALPHA);
const input = new Subject<Sample>();
let learned = 0;
input.pipe(model.pipeline).subscribe((step: Step) => {
  learned++;
  if (step.actual !== undefined) errors.update(step.output, step.actual);
});
for (let i = 0; i < 2000; i++) {
  input.next({ x: Array.from({ length: 8 }, (_, j) => Math.sin(i / 10 + j)), y: Math.cos(i / 10) });
}
const record = (): KeyRecord => ({
  learned,
  rejected: 0,
  rejectedByReason: {},
  drifts: 0,
  learningRate: model.optimizer.learningRate,
  errors: errors.state(),
});

/** The reference: the key as one streamprop-checkpoint JSON text, as streamprop 0.1 saved it. */
const saveAsJson = (): string =>
  JSON.stringify(
    toCheckpoint({
      network: model.network,
      optimizer: model.optimizer,
      scaler: model.scaler,
      detector: model.detector,
      samples: learned,
      run: { key: 'k', ...record() } as unknown as CheckpointJson,
    }),
  );
const saveAsKey = (): string => saveKey('k', model, record());

const bytesOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** CPU µs per call of `f`, over CALLS calls. */
function cpuPerCall(f: (i: number) => void): number {
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) f(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

const formats = {
  'streamprop-key (base64)': saveAsKey,
  'streamprop-checkpoint (JSON)': saveAsJson,
};
const times = new Map<string, { save: number[]; load: number[]; bytes: number }>();
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, save] of Object.entries(formats)) {
    const text = save();
    const fresh = Array.from({ length: CALLS }, makeModel);
    const saveUs = cpuPerCall(() => save());
    const loadUs = cpuPerCall((i) => restoreKey('k', text, fresh[i], new KeyErrors(ALPHA)));
    const same = bytesOf(fresh[0].network.parameters).equals(bytesOf(model.network.parameters));
    if (!same) throw new Error(`${name}: the weights did not come back bit for bit`);
    if (round === 0) continue; // the first round warms up
    const t = times.get(name) ?? { save: [], load: [], bytes: text.length };
    t.save.push(saveUs);
    t.load.push(loadUs);
    times.set(name, t);
  }
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const range = (a: number[]) => `${Math.round(Math.min(...a))}–${Math.round(Math.max(...a))}`;
console.log(
  `bench:key-checkpoint — one key of bench:scale's model after 2,000 samples; CPU µs per call, median (range) of ${ROUNDS} interleaved rounds of ${CALLS} calls\n`,
);
console.log('| format | bytes | save µs | load µs (into a new model) |');
console.log('|---|---:|---:|---:|');
for (const [name, t] of times) {
  console.log(
    `| ${name} | ${t.bytes.toLocaleString('en')} | ${Math.round(median(t.save))} (${range(t.save)}) | ${Math.round(median(t.load))} (${range(t.load)}) |`,
  );
}
const [key, json] = [...times.values()];
console.log(
  `\nstreamprop-key ÷ JSON: save ${(median(key.save) / median(json.save)).toFixed(2)}×, load ${(median(key.load) / median(json.load)).toFixed(2)}× the CPU time; both give back the weights bit for bit.`,
);
