import { z } from 'zod';
import { optimizerStateSchema } from '../optim/optimizer.js';
import { scalerStateSchema } from '../scaling/runningScaler.js';
import { statsIssues } from '../scaling/runningStats.js';

const layerSchema = z.object({
  units: z.number().int().positive(),
  activation: z.object({ name: z.string().min(1), alpha: z.number().optional() }),
  weights: z.array(z.array(z.number())),
  biases: z.array(z.number()),
});

/**
 * The schema of a model file, version 1, shapes included: each layer has one row of weights
 * per neuron, each row one weight per input of the layer, one bias per neuron, and a saved
 * scaler holds statistics of the network's numbers of inputs and outputs — so that a malformed
 * file is refused, naming the field, before anything is allocated for it.
 */
export const modelFileSchema = z
  .object({
    format: z.literal('streamprop-model'),
    version: z.literal(1),
    inputs: z.number().int().positive(),
    layers: z.array(layerSchema).min(1),
    optimizer: optimizerStateSchema.optional(),
    scaler: scalerStateSchema().optional(),
  })
  .superRefine((file, ctx) => {
    const issue = (path: (string | number)[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    let fanIn = file.inputs;
    for (const [k, layer] of file.layers.entries()) {
      if (layer.weights.length !== layer.units) {
        issue(
          ['layers', k, 'weights'],
          `has ${layer.weights.length} rows, expected ${layer.units} (one per neuron)`,
        );
        return;
      }
      const j = layer.weights.findIndex((row) => row.length !== fanIn);
      if (j >= 0) {
        issue(
          ['layers', k, 'weights', j],
          `has ${layer.weights[j].length} values, expected ${fanIn} (the layer's inputs)`,
        );
        return;
      }
      if (layer.biases.length !== layer.units) {
        issue(
          ['layers', k, 'biases'],
          `has ${layer.biases.length} values, expected ${layer.units} (one per neuron)`,
        );
        return;
      }
      fanIn = layer.units;
    }
    const stats = [
      ['inputStats', file.scaler?.inputStats, file.inputs, 'input'],
      ['targetStats', file.scaler?.targetStats, fanIn, 'output'],
    ] as const;
    for (const [field, saved, dimensions, what] of stats) {
      if (saved === undefined) continue;
      const per = `one per ${what} of the network`;
      for (const i of statsIssues(saved, dimensions, per, ['scaler', field])) ctx.addIssue(i);
    }
  });

/**
 * A model file, version 1: plain JSON. `layers[k].weights` holds one row per neuron of layer
 * k (`weights[j][i]` connects input i to neuron j); numbers are written in full precision so
 * a save and a load give back the same values (JSON keeps no sign of zero: -0 loads as 0).
 * The optional `optimizer` holds an optimizer's state, the optional `scaler` the state of a
 * `runningScaler` (method, and count, mean, M2, min and max per input and per target).
 *
 * @example
 * ```json
 * { "format": "streamprop-model", "version": 1, "inputs": 2,
 *   "layers": [{ "units": 1, "activation": { "name": "sigmoid" },
 *                "weights": [[0.4, 0.5]], "biases": [0.6] }] }
 * ```
 */
export type ModelFile = z.infer<typeof modelFileSchema>;
