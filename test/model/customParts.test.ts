// Parts of one's own in model files and checkpoints: saved like the built-in ones, loaded with
// the makers passed as `parts`, refused with a message naming the field without them.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Activation,
  type CustomParts,
  checkpointStore,
  dense,
  fromCheckpoint,
  fromJSON,
  linear,
  network,
  type Optimizer,
  type OptimizerState,
  parseCheckpoint,
  sgd,
  toCheckpoint,
  toJSON,
} from '../../src/index.js';
import { bitDifferences } from '../optim/fixtures.js';

/** x·σ(αx): a parametrised activation of one's own. */
function swish(alpha = 1): Activation {
  return {
    name: 'swish',
    alpha,
    forward(z, y) {
      for (let i = 0; i < z.length; i++) y[i] = z[i] / (1 + Math.exp(-alpha * z[i]));
    },
    backward(z, y, dy, dz) {
      for (let i = 0; i < z.length; i++) {
        const s = 1 / (1 + Math.exp(-alpha * z[i]));
        dz[i] = dy[i] * (s + alpha * y[i] * (1 - s));
      }
    },
  };
}

/** Sign SGD with a decaying step: a hyper-parameter and a state buffer to save. */
function signSgd(settings: { learningRate?: number; decay?: number } = {}): Optimizer {
  const decay = settings.decay ?? 0.5;
  let steps = 0;
  let last = new Float64Array(0);
  return {
    name: 'signSgd',
    learningRate: settings.learningRate ?? 0.01,
    step(parameters, gradients) {
      if (last.length !== parameters.length) last = new Float64Array(parameters.length);
      for (let i = 0; i < parameters.length; i++) {
        last[i] = decay * last[i] + Math.sign(gradients[i]);
        parameters[i] -= this.learningRate * last[i];
      }
      steps++;
    },
    reset() {
      last.fill(0);
      steps = 0;
    },
    state(): OptimizerState {
      return {
        name: 'signSgd',
        learningRate: this.learningRate,
        hyperParameters: { decay },
        steps,
        buffers: { last: Array.from(last) },
      };
    },
    restore(state) {
      if (state.hyperParameters.decay !== decay) throw new RangeError('signSgd: another decay');
      this.learningRate = state.learningRate;
      steps = state.steps;
      last = Float64Array.from(state.buffers.last);
    },
  };
}

const parts: CustomParts = {
  activations: { swish: (alpha) => swish(alpha) },
  optimizers: { signSgd: (settings) => signSgd(settings) },
};

/** A 2-3(swish 1.5)-1 network and a signSgd that took two steps. */
function trained(): { net: ReturnType<typeof network>; optimizer: Optimizer } {
  const net = network({ inputs: 2, layers: [dense(3, swish(1.5)), dense(1, linear)], seed: 4 });
  const optimizer = signSgd({ learningRate: 0.05, decay: 0.25 });
  for (const g of [0.3, -0.2]) {
    optimizer.step(net.parameters, new Float64Array(net.parameters.length).fill(g));
  }
  return { net, optimizer };
}

describe('fromJSON with parts of your own', () => {
  it('loads them with the makers given: the same weights, alpha, state and predictions', () => {
    const { net, optimizer } = trained();
    const text = JSON.stringify(toJSON(net, { optimizer }));
    const loaded = fromJSON(text, parts);
    expect(loaded.network.describe()).toBe('2-3(swish)-1(linear)');
    expect(loaded.network.layers[0].activation.alpha).toBe(1.5);
    expect(bitDifferences(loaded.network.parameters, net.parameters)).toEqual([]);
    expect(loaded.optimizer?.state()).toEqual(optimizer.state());
    expect(Array.from(loaded.network.predict([0.4, -1]))).toEqual(
      Array.from(net.predict([0.4, -1])),
    );
  });

  it('refuses a name it has no maker for, naming the field and what to do', () => {
    const { net, optimizer } = trained();
    const file = toJSON(net, { optimizer });
    expect(() => fromJSON(file)).toThrow(
      new Error(
        'fromJSON: layers[0].activation.name: "swish" is not a built-in activation; pass its maker in parts.activations',
      ),
    );
    expect(() => fromJSON(file, { activations: parts.activations })).toThrow(
      new Error(
        'fromJSON: optimizer.name: "signSgd" is not a built-in optimizer; pass its maker in parts.optimizers',
      ),
    );
  });

  it('a name of the object prototype is not a maker', () => {
    const file = toJSON(network({ inputs: 1, layers: [dense(1, linear)] }));
    file.layers[0].activation.name = 'constructor';
    expect(() => fromJSON(file)).toThrow(
      /layers\[0\]\.activation\.name: "constructor" is not a built-in/,
    );
  });

  it('refuses a maker that makes a part of another name or an incomplete one', () => {
    const { net, optimizer } = trained();
    const file = toJSON(net, { optimizer });
    expect(() =>
      fromJSON(file, { ...parts, activations: { swish: () => ({ ...swish(), name: 'gelu' }) } }),
    ).toThrow(
      'fromJSON: parts.activations.swish(…) made a part named "gelu", the file names "swish"',
    );
    expect(() =>
      fromJSON(file, {
        ...parts,
        optimizers: { signSgd: () => ({ ...signSgd(), step: undefined }) as never },
      }),
    ).toThrow('fromJSON: parts.optimizers.signSgd(…).step must be a function, got undefined');
    expect(() => fromJSON(file, { activations: { swish: 'swish' as never } })).toThrow(
      new TypeError('fromJSON: parts.activations.swish must be a function, got "swish"'),
    );
  });

  it('the restore of your optimizer decides what it accepts', () => {
    const { net, optimizer } = trained();
    const file = toJSON(net, { optimizer });
    const strict: CustomParts = {
      ...parts,
      optimizers: { signSgd: () => signSgd({ decay: 0.9 }) },
    };
    expect(() => fromJSON(file, strict)).toThrow('fromJSON: optimizer: signSgd: another decay');
  });

  it('a built-in name still loads the built-in, whatever parts say', () => {
    const net = network({ inputs: 1, layers: [dense(1, linear)], seed: 2 });
    const file = toJSON(net, { optimizer: sgd({ learningRate: 0.3 }) });
    const loaded = fromJSON(file, { optimizers: {}, activations: {} });
    expect(loaded.optimizer?.state()).toEqual(sgd({ learningRate: 0.3 }).state());
    expect(loaded.network.layers[0].activation).toBe(linear);
  });
});

describe('checkpoints with parts of your own', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const d of directories.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('fromCheckpoint and parseCheckpoint take the makers; without them, the field is named', () => {
    const { net, optimizer } = trained();
    const text = JSON.stringify(toCheckpoint({ network: net, optimizer, samples: 2 }));
    const resumed = fromCheckpoint(text, { parts });
    expect(resumed.optimizer.state()).toEqual(optimizer.state());
    expect(bitDifferences(resumed.network.parameters, net.parameters)).toEqual([]);
    expect(parseCheckpoint(text, parts).samples).toBe(2);
    expect(() => fromCheckpoint(text)).toThrow(
      'fromCheckpoint: model.layers[0].activation.name: "swish" is not a built-in activation; pass its maker in parts.activations',
    );
  });

  it('checkpointStore saves and finds them with parts, refuses to save them without', () => {
    const directory = fs.mkdtempSync(join(tmpdir(), 'streamprop-parts-'));
    directories.push(directory);
    const path = join(directory, 'run.ckpt');
    const { net, optimizer } = trained();
    const checkpoint = toCheckpoint({ network: net, optimizer, samples: 5 });
    expect(() => checkpointStore(path).save(checkpoint)).toThrow(
      /^CheckpointStore\.save: nothing was written, the checkpoint is unsound: model\.layers\[0\]\.activation\.name: "swish" is not a built-in activation/,
    );
    expect(fs.existsSync(path)).toBe(false);
    checkpointStore(path, { parts }).save(checkpoint);
    const { newest, problems } = checkpointStore(path, { parts }).loadNewest();
    expect(problems).toEqual([]);
    expect(newest?.checkpoint.samples).toBe(5);
    // without the makers, the file is passed over with the reason
    const blind = checkpointStore(path).loadNewest();
    expect(blind.newest).toBeUndefined();
    expect(blind.problems[0]).toMatch(/run\.ckpt: .*"swish" is not a built-in activation/);
  });
});
