// Malformed model files fail with an Error whose message names the wrong field.
import { describe, expect, it } from 'vitest';
import { fromJSON, type ModelFile, toJSON } from '../../src/index.js';
import { factory, smallNet, trainFrom } from '../optim/fixtures.js';

/**
 * A fresh, valid file to break: 3 inputs → 4 tanh → 2 linear (26 parameters), with the state
 * of an adam optimizer after two steps (buffers m and v of 26 values each), as loose JSON.
 */
// biome-ignore lint/suspicious/noExplicitAny: the tests write wrong types into the file on purpose
function validFile(): any {
  const net = smallNet();
  const optimizer = factory('adam')();
  trainFrom(net, optimizer, 2);
  return JSON.parse(JSON.stringify(toJSON(net, { optimizer })));
}

function thrown(input: unknown): Error {
  try {
    fromJSON(input);
  } catch (e) {
    return e as Error;
  }
  throw new Error('fromJSON did not throw');
}

describe('fromJSON with a malformed file', () => {
  it('the unbroken file loads (the cases below each break one thing)', () => {
    const loaded = fromJSON(validFile() as ModelFile);
    expect(loaded.network.parameters).toHaveLength(26);
    expect(loaded.optimizer!.name).toBe('adam');
  });

  // [label, how to break the file, what the message must contain]
  // biome-ignore lint/suspicious/noExplicitAny: see validFile
  const cases: [string, (f: any) => unknown, RegExp][] = [
    ['wrong format', (f) => Object.assign(f, { format: 'other-model' }), /fromJSON: format\b/],
    ['version 2', (f) => Object.assign(f, { version: 2 }), /fromJSON: version\b/],
    ['inputs 0', (f) => Object.assign(f, { inputs: 0 }), /fromJSON: inputs\b/],
    ['layers []', (f) => Object.assign(f, { layers: [] }), /fromJSON: layers:/],
    [
      "layers[0].units 'x'",
      (f) => {
        f.layers[0].units = 'x';
        return f;
      },
      /layers\[0\]\.units/,
    ],
    [
      "layers[1].activation.name 'swish'",
      (f) => {
        f.layers[1].activation.name = 'swish';
        return f;
      },
      /layers\[1\]\.activation\.name/,
    ],
    [
      "a string weight '0.5' at layers[0].weights[1][0]",
      (f) => {
        f.layers[0].weights[1][0] = '0.5';
        return f;
      },
      /layers\[0\]\.weights\[1\]\[0\]/,
    ],
    [
      'an infinite weight at layers[0].weights[1][0] (file given as an object)',
      (f) => {
        f.layers[0].weights[1][0] = Number.POSITIVE_INFINITY;
        return f;
      },
      /layers\[0\]\.weights\[1\]\[0\]/,
    ],
    [
      'a NaN weight at layers[0].weights[1][0] (file given as an object)',
      (f) => {
        f.layers[0].weights[1][0] = Number.NaN;
        return f;
      },
      /layers\[0\]\.weights\[1\]\[0\]/,
    ],
    [
      'a null weight at layers[0].weights[1][0] (what JSON.stringify makes of NaN)',
      (f) => {
        f.layers[0].weights[1][0] = Number.NaN;
        const text = JSON.stringify(f);
        expect(JSON.parse(text).layers[0].weights[1][0]).toBeNull();
        return text;
      },
      /layers\[0\]\.weights\[1\]\[0\]/,
    ],
    [
      'a missing row in layers[0].weights',
      (f) => {
        f.layers[0].weights.pop();
        return f;
      },
      /layers\[0\]\.weights: has 3 rows, expected 4 \(one per neuron\)/,
    ],
    [
      'an extra row in layers[1].weights',
      (f) => {
        f.layers[1].weights.push([0, 0, 0, 0]);
        return f;
      },
      /layers\[1\]\.weights: has 3 rows.*one per neuron/,
    ],
    [
      'a short row layers[1].weights[1]',
      (f) => {
        f.layers[1].weights[1].pop();
        return f;
      },
      /layers\[1\]\.weights\[1\]: has 3 values, expected 4/,
    ],
    [
      'a row of layers[0] as long as the next layer expects, not as the inputs',
      (f) => {
        f.layers[0].weights[2].push(0);
        return f;
      },
      /layers\[0\]\.weights\[2\]: has 4 values, expected 3/,
    ],
    [
      'an extra bias in layers[1].biases',
      (f) => {
        f.layers[1].biases.push(0);
        return f;
      },
      /layers\[1\]\.biases: has 3 values, expected 2/,
    ],
    [
      'a missing biases array',
      (f) => {
        delete f.layers[0].biases;
        return f;
      },
      /layers\[0\]\.biases/,
    ],
    [
      'leakyRelu with alpha −1',
      (f) => {
        f.layers[0].activation = { name: 'leakyRelu', alpha: -1 };
        return f;
      },
      /layers\[0\]\.activation\.alpha/,
    ],
    [
      "elu with alpha 'big'",
      (f) => {
        f.layers[1].activation = { name: 'elu', alpha: 'big' };
        return f;
      },
      /layers\[1\]\.activation\.alpha/,
    ],
    [
      "optimizer name 'lbfgs'",
      (f) => {
        f.optimizer.name = 'lbfgs';
        return f;
      },
      /optimizer\.name/,
    ],
    [
      'optimizer buffer v of the wrong length',
      (f) => {
        f.optimizer.buffers.v = [0.1, 0.2];
        return f;
      },
      /optimizer\.buffers\.v: has 2 values, expected 26 \(one per parameter\)/,
    ],
    [
      'optimizer buffer m with a string in it',
      (f) => {
        f.optimizer.buffers.m[3] = 'x';
        return f;
      },
      /optimizer\.buffers\.m\[3\]/,
    ],
    [
      'optimizer hyper-parameter beta1 1',
      (f) => {
        f.optimizer.hyperParameters.beta1 = 1;
        return f;
      },
      /optimizer\.hyperParameters.*beta1/,
    ],
    [
      'optimizer steps −1',
      (f) => {
        f.optimizer.steps = -1;
        return f;
      },
      /optimizer\.steps/,
    ],
    [
      'optimizer learningRate −0.1',
      (f) => {
        f.optimizer.learningRate = -0.1;
        return f;
      },
      /optimizer\.learningRate/,
    ],
  ];

  for (const [label, breakIt, field] of cases) {
    it(`${label}: the Error names the field`, () => {
      const error = thrown(breakIt(validFile()));
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(field);
    });
  }

  it('a file that is not JSON at all', () => {
    expect(() => fromJSON('streamprop-model, version 1')).toThrow(Error);
    expect(() => fromJSON('streamprop-model, version 1')).toThrow(/not valid JSON/);
    expect(() => fromJSON('{"format": "streamprop-model",')).toThrow(/fromJSON: .*not valid JSON/);
  });

  it('a file that is JSON but not an object names the file', () => {
    expect(() => fromJSON('null')).toThrow(/fromJSON: the file/);
    expect(() => fromJSON(42)).toThrow(/fromJSON: the file/);
    expect(() => fromJSON('[]')).toThrow(/fromJSON: the file/);
  });

  it('the same message whether the file is a string or an object', () => {
    const file = validFile();
    file.layers[0].weights[1][0] = 'w';
    expect(() => fromJSON(file)).toThrow(/layers\[0\]\.weights\[1\]\[0\]/);
    expect(() => fromJSON(JSON.stringify(file))).toThrow(/layers\[0\]\.weights\[1\]\[0\]/);
  });

  // A file whose shapes are wrong must be refused before a network of its declared size is
  // allocated: here the declared size cannot even be allocated, and the row count is wrong.
  it('an absurd units count with no weights names the layer, not the typed-array allocation', () => {
    const file = validFile();
    file.layers[0].units = 2 ** 40;
    file.layers[0].weights = [];
    file.layers[0].biases = [];
    const error = thrown(file);
    expect(error.message).toMatch(/layers\[0\]/);
  });
});
