// Parts of your own, one of each kind the library takes: an activation (swish), a loss
// (log-cosh), an optimizer (sign SGD), an initializer (LeCun uniform), a metric (the mean bias
// of the forecasts) and a drift detector (a one-sided CUSUM of the loss). Each is a plain object
// or class implementing the documented interface (Activation, Loss, Optimizer, Initializer,
// Metric, DriftDetector); each is checked completely where it is handed over, so a part that
// lacks a member fails there, at once, naming it — shown at the end with an optimizer without
// `reset`. The network learns a sine wave whose level jumps by 2 after sample 4,000; the CUSUM
// sees the jump, the bias metric shows the forecasts running low after it, and the model file
// written with the custom parts loads back with their makers.

import { map } from 'rxjs';
import {
  type Activation,
  type CustomParts,
  type DriftDetector,
  type DriftDetectorState,
  dense,
  detectDrift,
  fromJSON,
  type Initializer,
  type Loss,
  linear,
  type Metric,
  network,
  type Optimizer,
  type OptimizerState,
  type Rng,
  toJSON,
  train,
  windowed,
} from 'streamprop';
import { sineFeed } from 'streamprop/streams';

/** swish(z) = z·σ(z), smooth and unbounded above; its derivative is σ(z) + y·(1 − σ(z)). */
const swish: Activation = {
  name: 'swish',
  forward(z, y) {
    for (let i = 0; i < z.length; i++) y[i] = z[i] / (1 + Math.exp(-z[i]));
  },
  backward(z, y, dy, dz) {
    for (let i = 0; i < z.length; i++) {
      const s = 1 / (1 + Math.exp(-z[i]));
      dz[i] = dy[i] * (s + y[i] * (1 - s));
    }
  },
};

/** log-cosh: ≈ ½r² near the target and ≈ |r| far from it; ∂/∂prediction = tanh(r). */
const logCosh: Loss = {
  name: 'logCosh',
  value(prediction, target) {
    let sum = 0;
    for (let i = 0; i < prediction.length; i++) {
      sum += Math.log(Math.cosh(prediction[i] - target[i]));
    }
    return sum;
  },
  gradient(prediction, target, out) {
    for (let i = 0; i < prediction.length; i++) out[i] = Math.tanh(prediction[i] - target[i]);
  },
};

/** Sign SGD: w ← w − η·sign(g) (with η decaying as 1/√(1 + steps/decay)). */
function signSgd(learningRate: number, decay = 1000): Optimizer {
  let steps = 0;
  return {
    name: 'signSgd',
    learningRate,
    step(parameters, gradients) {
      const rate = this.learningRate / Math.sqrt(1 + steps / decay);
      for (let i = 0; i < parameters.length; i++) parameters[i] -= rate * Math.sign(gradients[i]);
      steps++;
    },
    reset() {
      steps = 0;
    },
    state(): OptimizerState {
      return {
        name: 'signSgd',
        learningRate: this.learningRate,
        hyperParameters: { decay },
        steps,
        buffers: {},
      };
    },
    restore(state) {
      this.learningRate = state.learningRate;
      steps = state.steps;
    },
  };
}

/** LeCun uniform: weights on ±√(3 / fanIn), so each neuron's input sum has variance ≈ 1. */
const lecunUniform: Initializer = {
  description: 'lecunUniform',
  init(weights: Float64Array, fanIn: number, _fanOut: number, random: Rng) {
    const r = Math.sqrt(3 / fanIn);
    for (let i = 0; i < weights.length; i++) weights[i] = (2 * random.next() - 1) * r;
  },
};

interface BiasState {
  readonly weight: number;
  readonly sum: number;
}

/** The mean of prediction − target: above 0 when the forecasts run high, below when low. */
class Bias implements Metric<number | undefined, BiasState> {
  private weight = 0;
  private sum = 0;
  update(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    let error = 0;
    for (let j = 0; j < target.length; j++) error += prediction[j] - target[j];
    this.weight += weight;
    this.sum += (weight * error) / target.length;
  }
  revert(prediction: ArrayLike<number>, target: ArrayLike<number>, weight = 1): void {
    this.update(prediction, target, -weight);
  }
  decay(factor: number): void {
    this.weight *= factor;
    this.sum *= factor;
  }
  merge(other: Bias): void {
    this.weight += other.weight;
    this.sum += other.sum;
  }
  reset(): void {
    this.weight = 0;
    this.sum = 0;
  }
  get(): number | undefined {
    return this.weight > 0 ? this.sum / this.weight : undefined;
  }
  state(): BiasState {
    return { weight: this.weight, sum: this.sum };
  }
  restore(state: unknown): void {
    const s = state as Partial<BiasState> | null;
    if (typeof s?.weight !== 'number' || typeof s.sum !== 'number') {
      throw new TypeError('Bias.restore: state must be { weight, sum }');
    }
    this.weight = s.weight;
    this.sum = s.sum;
  }
}

/**
 * One-sided CUSUM of the loss: g ← max(0, g + value − mean − slack), a change when g > limit;
 * the mean is the running mean of the values before (its first `warmup` values only).
 */
function cusum(slack = 0.01, limit = 1, warmup = 3000): DriftDetector {
  let n = 0;
  let mean = 0;
  let g = 0;
  const detector: DriftDetector = {
    name: 'cusum',
    update(value) {
      if (n < warmup) {
        n++;
        mean += (value - mean) / n;
        return false;
      }
      g = Math.max(0, g + value - mean - slack);
      if (g <= limit) return false;
      g = 0;
      return true;
    },
    clone() {
      const copy = cusum(slack, limit, warmup);
      copy.restore(detector.state());
      return copy;
    },
    state: (): DriftDetectorState => ({
      name: 'cusum',
      settings: { slack, limit, warmup },
      values: { n, mean, g },
    }),
    restore(state) {
      ({ n, mean, g } = state.values as { n: number; mean: number; g: number });
    },
  };
  return detector;
}

const JUMP_AT = 4000;
const net = network({
  inputs: 8,
  layers: [dense(16, swish, { init: lecunUniform }), dense(1, linear)],
  seed: 5,
});
const optimizer = signSgd(0.01);
const bias = windowed(new Bias(), 500);
const drifts: number[] = [];
let window = 0;
let zero = 0; // the loss of always predicting 0, for comparison
const ZERO = new Float64Array(1);

sineFeed({ lags: 8, noise: 0.05, limit: 6000, seed: 3 })
  .pipe(
    map((s, i) => (i < JUMP_AT ? s : { x: Array.from(s.x, (v) => v + 2), y: Number(s.y) + 2 })),
    train(net, { loss: logCosh, optimizer }),
    detectDrift(cusum()),
  )
  .subscribe((step) => {
    window += step.loss;
    zero += logCosh.value(ZERO, step.target ?? ZERO);
    if (step.target !== undefined) bias.update(step.prediction, step.target);
    for (const event of step.events) if (event.type === 'drift') drifts.push(event.seq);
    if ((step.seq + 1) % 1000 === 0) {
      console.log(
        `samples ${step.seq + 1}: mean loss ${(window / 1000).toFixed(5)} (predicting 0: ${(zero / 1000).toFixed(5)}), bias of the last 500 ${bias.get()?.toFixed(4)}`,
      );
      window = 0;
      zero = 0;
    }
  });

console.log(`network ${net.describe()}, optimizer ${optimizer.name}`);
console.log(
  `drift signals: ${drifts.length}, the first at sample ${drifts[0] ?? 'none'} (the level jumps at ${JUMP_AT})`,
);

// A model file names the custom parts; loading it takes their makers.
const parts: CustomParts = {
  activations: { swish: () => swish },
  optimizers: { signSgd: (settings) => signSgd(settings.learningRate, settings.decay) },
};
const saved = JSON.stringify(toJSON(net, { optimizer }));
const loaded = fromJSON(saved, parts);
const x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const same = loaded.network.predict(x)[0] === net.predict(x)[0];
console.log(
  `reloaded: same prediction ${same}, optimizer ${loaded.optimizer?.name} after ${loaded.optimizer?.state().steps} steps`,
);

// A part without a member the library calls fails where it is handed over, naming it.
const { reset: _reset, ...broken } = signSgd(0.01);
try {
  train(net, { loss: logCosh, optimizer: broken as unknown as Optimizer });
} catch (error) {
  console.log(`refused: ${(error as Error).message}`);
}
