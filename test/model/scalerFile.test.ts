// The scaler in the model file: toJSON(net, { optimizer, scaler }) / fromJSON carry the state
// of normalisation, a save and load in the middle of a stream changes nothing, and a malformed
// scaler fails naming the field.
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  adam,
  dense,
  fromJSON,
  linear,
  type ModelFile,
  minMax,
  mse,
  type Network,
  network,
  normalize,
  type Optimizer,
  type RunningScaler,
  type RunningScalerState,
  runningScaler,
  type Sample,
  tanh,
  toJSON,
  train,
  zScore,
} from '../../src/index.js';

/** Badly scaled samples for a 3-input, 2-output net, without randomness. */
function samples(n: number, offset = 0): Sample[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return {
      x: [1000 + 400 * Math.sin(i), -3 + 0.01 * (i % 13), 5e4 * Math.cos(0.7 * i)],
      y: [2000 + 300 * Math.sin(0.3 * i), 0.001 * Math.cos(0.2 * i)],
    };
  });
}

function model(): { net: Network; optimizer: Optimizer } {
  return {
    net: network({ inputs: 3, layers: [dense(6, tanh), dense(2, linear)], seed: 4 }),
    optimizer: adam({ learningRate: 0.01 }),
  };
}

/** What each step showed, in full precision. */
function run(net: Network, optimizer: Optimizer, scaler: RunningScaler, data: Sample[]) {
  const seen: number[][] = [];
  from(data)
    .pipe(normalize({ scaler }), train(net, { loss: mse(), optimizer }))
    .subscribe((step) => {
      seen.push([
        ...Array.from(step.sample.x),
        ...Array.from(step.prediction),
        ...Array.from(step.output),
        ...Array.from(step.actual ?? []),
        step.loss,
      ]);
    });
  return seen;
}

describe('toJSON / fromJSON with a scaler', () => {
  for (const method of [zScore(), minMax([-1, 1])]) {
    it(`${method.name}: a save and load mid-stream continues exactly like the original`, () => {
      const original = model();
      const scaler = runningScaler({ method, targets: true });
      run(original.net, original.optimizer, scaler, samples(300));
      const text = JSON.stringify(toJSON(original.net, { optimizer: original.optimizer, scaler }));
      const loaded = fromJSON(text);
      expect(loaded.scaler).toBeDefined();
      expect(loaded.scaler?.state()).toEqual(scaler.state());
      expect(loaded.scaler?.method.name).toBe(method.name);
      expect(loaded.scaler?.method.range).toEqual(method.range);

      const next = samples(200, 300);
      const a = run(original.net, original.optimizer, scaler, next);
      const b = run(loaded.network, loaded.optimizer as Optimizer, loaded.scaler!, next);
      expect(b).toEqual(a); // every number, bit for bit
      expect(loaded.scaler?.state()).toEqual(scaler.state());
      expect(Array.from(loaded.network.parameters)).toEqual(Array.from(original.net.parameters));
    });
  }

  it('writes the state as plain JSON and a file without scaler loads none', () => {
    const { net } = model();
    const scaler = runningScaler({ targets: true });
    from(samples(3)).pipe(normalize({ scaler })).subscribe();
    const file = toJSON(net, { scaler });
    expect(file.scaler?.method).toEqual({ name: 'zScore' });
    expect(file.scaler?.targets).toBe(true);
    expect(file.scaler?.inputStats?.count).toBe(3);
    expect(file.scaler?.targetStats?.mean).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(file))).toEqual(file);
    expect(fromJSON(toJSON(net)).scaler).toBeUndefined();
  });

  it('saves a scaler that has seen nothing, and it loads with its sizes still open', () => {
    const { net } = model();
    const loaded = fromJSON(JSON.stringify(toJSON(net, { scaler: runningScaler() })));
    expect(loaded.scaler?.inputs).toBeUndefined();
    expect(loaded.scaler?.state()).toEqual({ method: { name: 'zScore' }, targets: false });
  });

  it('toJSON refuses a scaler of another network', () => {
    const { net } = model();
    expect(() => toJSON(net, { scaler: runningScaler({ inputs: 2 }) })).toThrow(RangeError);
    expect(() => toJSON(net, { scaler: runningScaler({ inputs: 2 }) })).toThrow(
      'toJSON: the scaler has 2 inputs, the network 3; save it with its own network',
    );
    expect(() => toJSON(net, { scaler: runningScaler({ targets: true, outputs: 1 }) })).toThrow(
      'toJSON: the scaler has 1 targets, the network 2',
    );
  });
});

describe('fromJSON with a malformed scaler', () => {
  /** A valid file with a minMax scaler that has seen 3 samples, as loose JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: the tests write wrong types into the file on purpose
  function validFile(): any {
    const { net } = model();
    const scaler = runningScaler({ method: minMax([0, 1]), targets: true });
    from(samples(3)).pipe(normalize({ scaler })).subscribe();
    return JSON.parse(JSON.stringify(toJSON(net, { scaler })));
  }

  function thrown(file: unknown): Error {
    try {
      fromJSON(file);
    } catch (e) {
      return e as Error;
    }
    throw new Error('fromJSON did not throw');
  }

  it('the unbroken file loads (the cases below each break one thing)', () => {
    expect(fromJSON(validFile() as ModelFile).scaler?.inputStats?.count).toBe(3);
  });

  // biome-ignore lint/suspicious/noExplicitAny: see validFile
  const cases: [string, (s: any) => void, RegExp][] = [
    ['scaler not an object', (f) => (f.scaler = 'zScore'), /^fromJSON: scaler: /],
    [
      'an unknown method',
      (f) => (f.scaler.method = { name: 'robust' }),
      /^fromJSON: scaler\.method/,
    ],
    ['method a string', (f) => (f.scaler.method = 'minMax'), /^fromJSON: scaler\.method/],
    ['range missing', (f) => delete f.scaler.method.range, /^fromJSON: scaler\.method\.range/],
    [
      'a string in the range',
      (f) => (f.scaler.method.range[0] = '0'),
      /scaler\.method\.range\[0\]/,
    ],
    [
      'a decreasing range',
      (f) => (f.scaler.method.range = [1, 0]),
      /^fromJSON: scaler\.method\.range: must be \[a, b\] with a < b$/,
    ],
    ['targets "yes"', (f) => (f.scaler.targets = 'yes'), /^fromJSON: scaler\.targets/],
    ['count -1', (f) => (f.scaler.inputStats.count = -1), /^fromJSON: scaler\.inputStats\.count/],
    ['count 1.5', (f) => (f.scaler.inputStats.count = 1.5), /scaler\.inputStats\.count/],
    ['a string mean', (f) => (f.scaler.inputStats.mean[1] = 'x'), /scaler\.inputStats\.mean\[1\]/],
    ['a null M2', (f) => (f.scaler.targetStats.m2[0] = null), /scaler\.targetStats\.m2\[0\]/],
    ['a negative M2', (f) => (f.scaler.inputStats.m2[2] = -1), /scaler\.inputStats\.m2\[2\]/],
    ['max missing', (f) => delete f.scaler.inputStats.max, /scaler\.inputStats\.max/],
    [
      'inputs of another network',
      (f) => {
        f.scaler.inputStats.mean.pop();
      },
      /^fromJSON: scaler\.inputStats\.mean: must hold 3 values \(one per input of the network\)$/,
    ],
    [
      'targets of another network',
      (f) => {
        for (const k of ['mean', 'm2', 'min', 'max']) f.scaler.targetStats[k].push(0);
      },
      /^fromJSON: scaler\.targetStats\.mean: must hold 2 values \(one per output of the network\)$/,
    ],
    [
      'an M2 shorter than the mean',
      (f) => f.scaler.inputStats.m2.pop(),
      /^fromJSON: scaler\.inputStats\.m2: must hold 3 values \(one per input of the network\)$/,
    ],
    [
      'a minimum above the maximum',
      (f) => (f.scaler.inputStats.min[0] = f.scaler.inputStats.max[0] + 1),
      /^fromJSON: scaler\.inputStats\.min\[0\]: must be <= max\[0\]/,
    ],
    [
      'target statistics without targets',
      (f) => (f.scaler.targets = false),
      /^fromJSON: scaler\.targetStats: must be absent when targets is false$/,
    ],
  ];
  for (const [name, breakIt, message] of cases) {
    it(`${name}: fails naming the field`, () => {
      const file = validFile();
      breakIt(file);
      const error = thrown(file);
      expect(error.message).toMatch(message);
    });
  }
});

describe('RunningScaler state and restore', () => {
  function seen(options: Parameters<typeof runningScaler>[0] = {}): RunningScaler {
    const scaler = runningScaler(options);
    from(samples(4)).pipe(normalize({ scaler })).subscribe();
    return scaler;
  }

  it('restore refuses a state of another kind or size, naming it, and changes nothing', () => {
    const scaler = seen({ targets: true });
    const before = scaler.state();
    const cases: [RunningScalerState, RegExp][] = [
      [
        seen({ method: minMax() }).state(),
        /^RunningScaler\.restore: method\.name: is "minMax", this scaler's is "zScore"$/,
      ],
      [
        seen({ targets: false }).state(),
        /^RunningScaler\.restore: targets: is false, this scaler's is true$/,
      ],
      [
        { ...before, inputStats: { ...before.inputStats!, mean: [1, 2] } },
        /^RunningScaler\.restore: inputStats\.mean: must hold 3 values \(one per input of this scaler\)$/,
      ],
      [
        { ...before, targetStats: { ...before.targetStats!, count: -2 } },
        /^RunningScaler\.restore: targetStats\.count: Too small: expected number to be >=0$/,
      ],
      [
        null as unknown as RunningScalerState,
        /^RunningScaler\.restore: state: Invalid input: expected object, received null$/,
      ],
    ];
    for (const [state, message] of cases) {
      expect(() => scaler.restore(state)).toThrow(Error);
      expect(() => scaler.restore(state)).toThrow(message);
    }
    expect(scaler.state()).toEqual(before);
    const other = seen({ method: minMax([-1, 1]) });
    expect(() => other.restore(seen({ method: minMax() }).state())).toThrow(
      /^RunningScaler\.restore: method\.range: is \[0,1\], this scaler's is \[-1,1\]$/,
    );
  });

  it('restore into a fresh scaler continues the statistics; an empty state resets them', () => {
    const a = seen({ targets: true });
    const b = runningScaler({ targets: true });
    b.restore(a.state());
    expect(b.inputs).toBe(3);
    expect(b.outputs).toBe(2);
    expect(b.state()).toEqual(a.state());
    b.restore({ method: { name: 'zScore' }, targets: true });
    expect(b.inputStats?.count).toBe(0);
    expect(b.targetStats?.count).toBe(0);
  });

  it('reset forgets the statistics and keeps the sizes', () => {
    const scaler = seen({ targets: true });
    scaler.reset();
    expect(scaler.inputStats?.count).toBe(0);
    expect(scaler.targetStats?.count).toBe(0);
    expect([scaler.inputs, scaler.outputs]).toEqual([3, 2]);
  });
});
