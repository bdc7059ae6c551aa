import { z } from 'zod';

const finite = z.number().finite();
const activationSchema = z.object({
  name: z.string().min(1),
  alpha: finite.optional(),
});
const layerSchema = z.object({
  units: z.number().int().positive(),
  activation: activationSchema,
  weights: z.array(z.array(finite)),
  biases: z.array(finite),
});
const optimizerSchema = z.object({
  name: z.string().min(1),
  learningRate: finite.nonnegative(),
  hyperParameters: z.record(z.string(), finite),
  steps: z.number().int().nonnegative(),
  buffers: z.record(z.string(), z.array(finite)),
});

const statsSchema = z.object({
  count: z.number().int().nonnegative(),
  mean: z.array(finite).min(1),
  m2: z.array(finite.nonnegative()),
  min: z.array(finite),
  max: z.array(finite),
});
const scalerSchema = z.object({
  method: z.discriminatedUnion('name', [
    z.object({ name: z.literal('zScore') }),
    z.object({ name: z.literal('minMax'), range: z.tuple([finite, finite]) }),
  ]),
  targets: z.boolean(),
  inputStats: statsSchema.optional(),
  targetStats: statsSchema.optional(),
});

/** The schema of a model file, version 1. */
export const modelFileSchema = z.object({
  format: z.literal('streamprop-model'),
  version: z.literal(1),
  inputs: z.number().int().positive(),
  layers: z.array(layerSchema).min(1),
  optimizer: optimizerSchema.optional(),
  scaler: scalerSchema.optional(),
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
