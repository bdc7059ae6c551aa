"""The scikit-learn peer of `npm run bench`: MLPRegressor.partial_fit at a given batch size.

Usage: /usr/bin/python3 sklearnSpeed.py DATA BATCH L0 L1 ... Lk

DATA is the file the benchmark writes for the C reference (little-endian float64: each layer's
initial weights, one row per neuron, then its biases; then the samples, inputs then targets).
The regressor gets the same initial weights, tanh hidden layers and an identity output, plain
SGD at the constant rate 0.01 (no momentum, no L2 penalty, no shuffling), so that it takes the
same steps as streamprop's `train(net, { batchSize: BATCH })`: the mean gradient of ½Σ(y − ŷ)²
over each mini-batch of BATCH samples.

Then, one command per line on standard input:
  train FROM TO   partial_fit on samples [FROM, TO) in mini-batches of BATCH: prints CPU-s,
                  wall-s and the regressor's loss
  quit
"""

import sys
import time
import warnings

import numpy as np
from sklearn.neural_network import MLPRegressor

warnings.filterwarnings("ignore")


def main() -> int:
    path, batch, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
    raw = np.fromfile(path, dtype="<f8")
    weights, biases, at = [], [], 0
    for fan_in, units in zip(sizes, sizes[1:]):
        w = raw[at : at + fan_in * units].reshape(units, fan_in)
        at += fan_in * units
        weights.append(np.ascontiguousarray(w.T))  # scikit-learn: one column per neuron
        biases.append(raw[at : at + units].copy())
        at += units
    width = sizes[0] + sizes[-1]
    data = raw[at:].reshape(-1, width)
    x, y = np.ascontiguousarray(data[:, : sizes[0]]), np.ascontiguousarray(data[:, sizes[0] :])
    if sizes[-1] == 1:
        y = y.ravel()
    model = MLPRegressor(
        hidden_layer_sizes=tuple(sizes[1:-1]),
        activation="tanh",
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=0.01,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=batch,
        shuffle=False,
    )
    model.partial_fit(x[:batch], y[:batch])  # builds the layers; the weights are replaced next
    model.coefs_ = weights
    model.intercepts_ = biases
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        start, end = int(parts[1]), int(parts[2])
        cpu, wall = time.process_time(), time.perf_counter()
        model.partial_fit(x[start:end], y[start:end])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{cpu:.9f} {wall:.9f} {model.loss_:.17g}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
