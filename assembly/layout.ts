// The layer table a network keeps in kernel memory (written by src/backends/wasmNetwork.ts):
// a header, then one record of LAYER_STRIDE bytes per layer. Offsets of weights and biases are
// in bytes from the parameters' base; offsets of vectors are in bytes from the trace's base.

/** Header: the layer count (i32) at 0, the input count (i32) at 4; the records start at 16. */
export const HEADER: usize = 16;
export const LAYER_STRIDE: usize = 64;

// Fields of a layer record.
export const UNITS = 0; // i32
export const FAN_IN = 4; // i32
export const ACTIVATION = 8; // i32, an Activation code
export const WEIGHTS = 12; // i32, bytes from the parameters' base
export const BIASES = 16; // i32, bytes from the parameters' base
export const INPUT = 20; // i32, bytes from the trace's base: the layer's input vector
export const Z = 24; // i32, pre-activations
export const Y = 28; // i32, activations
export const DY = 32; // i32, ∂L/∂y
export const DELTA = 36; // i32, δ = ∂L/∂z
export const ALPHA = 40; // f64, the activation's parameter (leakyRelu, elu)

// Activation codes, as src/backends/activationCodes.ts numbers them.
export const LINEAR = 0;
export const SIGMOID = 1;
export const TANH = 2;
export const RELU = 3;
export const LEAKY_RELU = 4;
export const SOFTPLUS = 5;
export const ELU = 6;
export const SOFTMAX = 7;

/** The record of layer `k`. */
@inline
export function layerAt(table: usize, k: i32): usize {
  return table + HEADER + <usize>k * LAYER_STRIDE;
}

/** The byte offset of the `i`-th f64 after `base`. */
@inline
export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}
