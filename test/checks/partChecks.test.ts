// Every part a user may write — activation, loss, optimizer, initialiser, drift detector, rate
// controller — is checked completely where it is handed over: a missing or wrong member fails
// there, at once, with a message naming it, never later in the middle of a stream.
import { describe, expect, it } from 'vitest';
import {
  adaptLearningRate,
  boostLearningRate,
  dense,
  detectDrift,
  fromCheckpoint,
  linear,
  loss,
  mse,
  network,
  pageHinkley,
  resetOptimizer,
  sgd,
  tanh,
  toCheckpoint,
  train,
  update,
  xavier,
} from '../../src/index.js';

const net = (): ReturnType<typeof network> =>
  network({ inputs: 1, layers: [dense(1, linear)], seed: 1 });

/** A complete value of each kind, as a plain object with only the interface's members. */
const complete = {
  optimizer: () => ({
    name: 'mine',
    learningRate: 0.1,
    step() {},
    reset() {},
    state: () => ({ name: 'mine', learningRate: 0.1, hyperParameters: {}, steps: 0, buffers: {} }),
    restore() {},
  }),
  loss: () => ({ name: 'mine', value: () => 0, gradient() {} }),
  activation: () => ({ name: 'mine', forward() {}, backward() {} }),
  initializer: () => ({ description: 'mine()', init() {} }),
  detector: () => ({
    name: 'mine',
    update: () => false,
    clone() {
      return this;
    },
    state: () => ({ name: 'mine', settings: {}, values: {} }),
    restore() {},
  }),
  controller: () => ({
    name: 'mine',
    boundary: false,
    rollback: false,
    reason: '',
    observe: (_loss: number, rate: number) => rate,
    reset() {},
    state: () => ({ name: 'mine', options: {}, values: {} }),
    restore() {},
  }),
};

/** `make()` with `member` deleted (or replaced by `value`). */
function broken<T extends object>(make: () => T, member: string, value?: unknown): T {
  const part = make() as Record<string, unknown>;
  if (value === undefined) delete part[member];
  else part[member] = value;
  return part as T;
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(e instanceof RangeError ? RangeError : TypeError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
}

describe('an optimizer', () => {
  const handOvers: [string, (o: never) => unknown][] = [
    ['update', (o) => update(net(), o)],
    ['train', (o) => train(net(), { loss: mse(), optimizer: o })],
    ['boostLearningRate', (o) => boostLearningRate(o, 2)],
    ['resetOptimizer', (o) => resetOptimizer(o)],
    ['adaptLearningRate', (o) => adaptLearningRate(net(), o, () => 0.1)],
    ['toCheckpoint', (o) => toCheckpoint({ network: net(), optimizer: o, samples: 0 })],
  ];
  const cases: [string, () => object, string][] = [
    [
      'no name',
      () => broken(complete.optimizer, 'name'),
      'optimizer.name must be a non-empty string, got undefined',
    ],
    [
      'a rate of NaN',
      () => broken(complete.optimizer, 'learningRate', Number.NaN),
      'optimizer.learningRate must be a finite number >= 0, got NaN',
    ],
    [
      'no step',
      () => broken(complete.optimizer, 'step'),
      'optimizer.step must be a function, got undefined',
    ],
    [
      'no reset',
      () => broken(complete.optimizer, 'reset'),
      'optimizer.reset must be a function, got undefined',
    ],
    [
      'no state',
      () => broken(complete.optimizer, 'state'),
      'optimizer.state must be a function, got undefined',
    ],
    [
      'restore not a function',
      () => broken(complete.optimizer, 'restore', 1),
      'optimizer.restore must be a function, got 1',
    ],
    [
      'a learning rate that cannot be set',
      () => ({
        ...complete.optimizer(),
        get learningRate() {
          return 0.1;
        },
      }),
      'optimizer.learningRate must be settable (a writable property or one with a setter), got 0.1',
    ],
  ];
  for (const [owner, handOver] of handOvers) {
    it(`${owner} accepts a complete one of one's own`, () => {
      expect(() => handOver(complete.optimizer() as never)).not.toThrow();
    });
    it.each(cases)(`${owner} refuses one with %s, naming the member`, (_label, make, message) => {
      expect(messageOf(() => handOver(make() as never))).toBe(`${owner}: ${message}`);
    });
  }
});

describe('a loss', () => {
  const cases: [string, object, string][] = [
    ['no name', broken(complete.loss, 'name'), 'name must be a non-empty string, got undefined'],
    ['no value', broken(complete.loss, 'value'), 'value must be a function, got undefined'],
    [
      'no gradient',
      broken(complete.loss, 'gradient'),
      'gradient must be a function, got undefined',
    ],
    [
      'an outputDelta that is not a function',
      broken(complete.loss, 'outputDelta', true),
      'outputDelta must be a function, got true',
    ],
  ];
  it('is accepted complete, with or without outputDelta, by loss and train', () => {
    expect(() => loss(complete.loss() as never)).not.toThrow();
    expect(() =>
      train(net(), { loss: { ...complete.loss(), outputDelta: () => false } as never }),
    ).not.toThrow();
  });
  it.each(cases)(
    'with %s is refused by loss and train, naming the member',
    (_label, part, message) => {
      expect(messageOf(() => loss(part as never))).toBe(`loss: lossFn.${message}`);
      expect(messageOf(() => train(net(), { loss: part as never }))).toBe(`train: loss.${message}`);
    },
  );
});

describe('an activation', () => {
  const cases: [string, object, string][] = [
    [
      'no name',
      broken(complete.activation, 'name'),
      'name must be a non-empty string, got undefined',
    ],
    [
      'no forward',
      broken(complete.activation, 'forward'),
      'forward must be a function, got undefined',
    ],
    [
      'no backward',
      broken(complete.activation, 'backward'),
      'backward must be a function, got undefined',
    ],
    [
      'an alpha of NaN',
      broken(complete.activation, 'alpha', Number.NaN),
      'alpha must be a finite number, got NaN',
    ],
  ];
  it('is accepted complete by dense and network', () => {
    const mine = complete.activation() as never;
    expect(() => network({ inputs: 1, layers: [dense(2, mine), dense(1, linear)] })).not.toThrow();
  });
  it.each(cases)(
    'with %s is refused by dense and by network, naming the member',
    (_label, part, message) => {
      expect(messageOf(() => dense(2, part as never))).toBe(`dense: activation.${message}`);
      const spec = { units: 2, activation: part, init: undefined } as never;
      expect(messageOf(() => network({ inputs: 1, layers: [dense(1, tanh), spec] }))).toBe(
        `network: layers[1].activation.${message}`,
      );
    },
  );
});

describe('an initialiser', () => {
  const cases: [string, object, string][] = [
    [
      'no description',
      broken(complete.initializer, 'description'),
      'description must be a non-empty string, got undefined',
    ],
    ['no init', broken(complete.initializer, 'init'), 'init must be a function, got undefined'],
  ];
  it('is accepted complete by network and dense, and used', () => {
    const mine = {
      description: 'ones()',
      init: (weights: Float64Array) => weights.fill(1),
    };
    const built = network({ inputs: 2, layers: [dense(1, linear)], init: mine });
    expect(Array.from(built.parameters)).toEqual([1, 1, 0]);
    expect(() => dense(1, linear, { init: mine })).not.toThrow();
  });
  it.each(cases)(
    'with %s is refused by network and dense, naming the member',
    (_label, part, message) => {
      expect(
        messageOf(() => network({ inputs: 1, layers: [dense(1, linear)], init: part as never })),
      ).toBe(`network: init.${message}`);
      expect(messageOf(() => dense(1, linear, { init: part as never }))).toBe(
        `dense: init.${message}`,
      );
      expect(
        messageOf(() =>
          network({ inputs: 1, layers: [{ units: 1, activation: linear, init: part as never }] }),
        ),
      ).toBe(`network: layers[0].init.${message}`);
    },
  );
  it('the factory passed uncalled is named as such', () => {
    expect(
      messageOf(() => network({ inputs: 1, layers: [dense(1, linear)], init: xavier as never })),
    ).toBe(
      'network: init must be an initialiser such as xavier() or he(), got the function xavier (did you mean xavier(…)?)',
    );
  });
});

describe('a drift detector', () => {
  const cases: [string, object, string][] = [
    [
      'no name',
      broken(complete.detector, 'name'),
      'name must be a non-empty string, got undefined',
    ],
    ['no update', broken(complete.detector, 'update'), 'update must be a function, got undefined'],
    ['no clone', broken(complete.detector, 'clone'), 'clone must be a function, got undefined'],
    ['no state', broken(complete.detector, 'state'), 'state must be a function, got undefined'],
    [
      'no restore',
      broken(complete.detector, 'restore'),
      'restore must be a function, got undefined',
    ],
  ];
  it('is accepted complete by detectDrift, toCheckpoint and fromCheckpoint', () => {
    const mine = complete.detector() as never;
    expect(() => detectDrift(mine)).not.toThrow();
    const saved = toCheckpoint({ network: net(), optimizer: sgd(), detector: mine, samples: 0 });
    expect(fromCheckpoint(saved, { detector: mine }).detector).toBe(mine);
  });
  it.each(cases)(
    'with %s is refused at every hand-over, naming the member',
    (_label, part, message) => {
      expect(messageOf(() => detectDrift(part as never))).toBe(`detectDrift: detector.${message}`);
      expect(
        messageOf(() =>
          toCheckpoint({ network: net(), optimizer: sgd(), detector: part as never, samples: 0 }),
        ),
      ).toBe(`toCheckpoint: detector.${message}`);
      const saved = toCheckpoint({
        network: net(),
        optimizer: sgd(),
        detector: pageHinkley(),
        samples: 0,
      });
      expect(messageOf(() => fromCheckpoint(saved, { detector: part as never }))).toBe(
        `fromCheckpoint: into.detector.${message}`,
      );
    },
  );
});

describe('a rate controller', () => {
  const cases: [string, object, string][] = [
    [
      'no name',
      broken(complete.controller, 'name'),
      'name must be a non-empty string, got undefined',
    ],
    [
      'no boundary',
      broken(complete.controller, 'boundary'),
      'boundary must be true or false, got undefined',
    ],
    [
      'a rollback of 0',
      broken(complete.controller, 'rollback', 0),
      'rollback must be true or false, got 0',
    ],
    ['no reason', broken(complete.controller, 'reason'), 'reason must be a string, got undefined'],
    [
      'no observe',
      broken(complete.controller, 'observe'),
      'observe must be a function, got undefined',
    ],
    [
      'no restore',
      broken(complete.controller, 'restore'),
      'restore must be a function, got undefined',
    ],
  ];
  it('is accepted complete by adaptLearningRate and toCheckpoint', () => {
    const mine = complete.controller() as never;
    expect(() => adaptLearningRate(net(), sgd(), mine)).not.toThrow();
    expect(() =>
      toCheckpoint({ network: net(), optimizer: sgd(), controller: mine, samples: 0 }),
    ).not.toThrow();
  });
  it.each(cases)(
    'with %s is refused at every hand-over, naming the member',
    (_label, part, message) => {
      expect(messageOf(() => adaptLearningRate(net(), sgd(), part as never))).toBe(
        `adaptLearningRate: controller.${message}`,
      );
      expect(
        messageOf(() =>
          toCheckpoint({ network: net(), optimizer: sgd(), controller: part as never, samples: 0 }),
        ),
      ).toBe(`toCheckpoint: controller.${message}`);
    },
  );
});
