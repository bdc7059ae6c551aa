"""scikit-learn's online learners as peers of `npm run bench:quality` (Debian's python3-sklearn).

Reads one JSON object per line from the file named by its argument (standard input without one): {"stream": name, "key": k, "x": [...], "y": v},
and for every (stream, key) runs, prequentially (each sample predicted before it is learned, one
sample at a time with partial_fit), on the very features it is given:
  - SGDRegressor (its defaults: squared loss, invscaling eta0 0.01, alpha 1e-4),
  - MLPRegressor(hidden_layer_sizes=(16,), adam, learning_rate_init 0.001),
each behind an online StandardScaler of the inputs and of the target (partial_fit, then
transform: the sample is learned before it is scaled, as the bench's own scaler does), the
prediction turned back into the target's units. Before a model has learned any sample it
forecasts the mean of the targets so far. At the end it prints one JSON line per stream:
{"stream": name, "sgd": {"sse": …, "n": …}, "mlp": {…}, "seconds": cpu seconds}.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)


class Peer:
    def __init__(self, make):
        self.model = make()
        self.x_scaler = StandardScaler()
        self.y_scaler = StandardScaler()
        self.learned = 0
        self.mean = 0.0

    def forecast(self, x):
        if self.learned == 0:
            return self.mean
        z = self.model.predict(self.x_scaler.transform(x))
        return float(self.y_scaler.inverse_transform(z.reshape(-1, 1))[0, 0])

    def learn(self, x, y):
        self.x_scaler.partial_fit(x)
        self.y_scaler.partial_fit(np.array([[y]]))
        target = self.y_scaler.transform(np.array([[y]]))[0]
        self.model.partial_fit(self.x_scaler.transform(x), target)
        self.learned += 1
        self.mean += (y - self.mean) / self.learned


MAKERS = {
    "sgd": lambda: SGDRegressor(random_state=1),
    "mlp": lambda: MLPRegressor(hidden_layer_sizes=(16,), random_state=1),
}


def main():
    peers = {}
    totals = {}
    order = []
    start = time.process_time()
    source = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    for line in source:
        if not line.strip():
            continue
        record = json.loads(line)
        stream = record["stream"]
        if stream not in totals:
            totals[stream] = {name: [0.0, 0] for name in MAKERS}
            order.append(stream)
        x = np.asarray(record["x"], dtype=float).reshape(1, -1)
        y = float(record["y"])
        for name, make in MAKERS.items():
            slot = (stream, record.get("key"), name)
            peer = peers.get(slot)
            if peer is None:
                peer = peers[slot] = Peer(make)
            error = peer.forecast(x) - y
            totals[stream][name][0] += error * error
            totals[stream][name][1] += 1
            peer.learn(x, y)
    seconds = time.process_time() - start
    for stream in order:
        result = {"stream": stream, "seconds": seconds}
        for name, (sse, n) in totals[stream].items():
            result[name] = {"sse": sse, "n": n}
        print(json.dumps(result))


if __name__ == "__main__":
    main()
