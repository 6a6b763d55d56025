"""Reproduce `autorec predict` from a saved model folder with NumPy only.

Usage:
    python3 predict.py MODEL_DIR USER ITEM [USER ITEM ...]

Prints one line per pair: user, item, predicted rating (clipped to the rating scale) and the path
that produced it, as `autorec predict --json` reports it: "model", or the bias-baseline fallback
for a user or item without training ratings.

Needs: pip install numpy safetensors
"""

import json
import sys

import numpy as np
from safetensors.numpy import load_file

SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772

ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky-relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    "selu": lambda z: np.where(z > 0, SELU_LAMBDA * z, SELU_LAMBDA * SELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
}


class SavedModel:
    """A model folder written by `autorec train --save`."""

    def __init__(self, folder):
        with open(f"{folder}/model.json") as f:
            self.description = json.load(f)
        if self.description["formatVersion"] > 2:
            raise ValueError("model.json was written by a newer autorec: upgrade this script")
        w = load_file(f"{folder}/weights.safetensors")
        c = self.description["configuration"]
        self.by_item = c["orientation"] == "item"       # I-AutoRec encodes items' vectors over users
        self.g = ACTIVATIONS[c["encoder"]]
        self.f = ACTIVATIONS[c["decoder"]]
        # A bounded decoder stretched onto the rating scale: r = low + (high - low) (f(z) - a) / (b - a).
        bounds = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(c["decoder"])
        out = c.get("outputRange")
        if bounds and out and out["high"] > out["low"]:
            gain = (out["high"] - out["low"]) / (bounds[1] - bounds[0])
            offset = out["low"] - gain * bounds[0]
            f = self.f
            self.f = lambda z: offset + gain * f(z)
        self.fill = c["fill"]                           # "zero", "user-mean", "item-mean" or a number
        self.low = self.description["scale"]["minimum"]
        self.high = self.description["scale"]["maximum"]
        self.user_index = {u: k for k, u in enumerate(self.description["users"])}
        self.item_index = {i: k for k, i in enumerate(self.description["items"])}

        # Float64 throughout: the Swift side computes in Float32, so expect agreement to ~1e-5.
        self.V = w["encoder.weight"].astype(np.float64)      # [hidden, inputs]
        self.mu = w["encoder.bias"].astype(np.float64)       # [hidden]
        self.W = w["decoder.weight"].astype(np.float64)      # [inputs, hidden]
        self.b = w["decoder.bias"].astype(np.float64)        # [inputs]
        # Deep models (formatVersion 2): further hidden layers, nn.Linear layout [out, in].
        depth = len(c.get("layers") or [0])
        self.hidden = [(w[f"hidden.{l}.weight"].astype(np.float64), w[f"hidden.{l}.bias"].astype(np.float64))
                       for l in range(1, depth)]
        # Side information (formatVersion 2): features of each encoded row, CSR, and their weights.
        self.side = None
        if self.description.get("sideFeatures"):
            self.side = (w["side.weight"].astype(np.float64), w["side.row_start"].astype(np.int64),
                         w["side.column"].astype(np.int64), w["side.value"].astype(np.float64))

        # The training ratings as CSR over the encoded rows (items for I-AutoRec, users for
        # U-AutoRec); columns are input indices (users for I-AutoRec, items for U-AutoRec).
        start = w["train.row_start"].astype(np.int64)
        self.row_start = start
        self.column = w["train.column"].astype(np.int64)
        self.value = w["train.value"].astype(np.float64)
        rows = len(start) - 1
        inputs = self.V.shape[1]
        row_of_entry = np.repeat(np.arange(rows), np.diff(start))
        users = self.column if self.by_item else row_of_entry
        items = row_of_entry if self.by_item else self.column
        n_users, n_items = len(self.user_index), len(self.item_index)
        assert inputs == (n_users if self.by_item else n_items), "weights do not match model.json's id lists"

        self.user_count = np.bincount(users, minlength=n_users)
        self.item_count = np.bincount(items, minlength=n_items)
        self.mean = float(self.value.mean())
        # Per-user and per-item mean training ratings, rounded to Float32 like the Swift fill,
        # the global mean for an entity without training ratings.
        self.user_mean = self._means(users, n_users)
        self.item_mean = self._means(items, n_items)
        self._users, self._items = users, items

    def _means(self, keys, n):
        sums = np.bincount(keys, weights=self.value, minlength=n)
        counts = np.bincount(keys, minlength=n)
        means = np.where(counts > 0, sums / np.maximum(counts, 1), self.mean)
        return means.astype(np.float32).astype(np.float64)

    def input_vector(self, row):
        """The training vector of encoded row `row`, unobserved entries given the model's fill."""
        n = self.V.shape[1]
        if self.fill == "zero":
            x = np.zeros(n)
        elif self.fill == "user-mean":
            # I-AutoRec: inputs are users, each takes its own mean; U-AutoRec: the row's user mean.
            x = self.user_mean.copy() if self.by_item else np.full(n, self.user_mean[row])
        elif self.fill == "item-mean":
            x = np.full(n, self.item_mean[row]) if self.by_item else self.item_mean.copy()
        else:
            x = np.full(n, float(np.float32(self.fill)))
        lo, hi = self.row_start[row], self.row_start[row + 1]
        x[self.column[lo:hi]] = self.value[lo:hi]
        return x

    def reconstruct(self, row):
        """f(W g(... g(V x + mu) ...) + b): the model's output for every input of encoded row `row`."""
        z = self.V @ self.input_vector(row) + self.mu
        if self.side is not None:
            weight, start, column, value = self.side          # weight: [hidden, features]
            z += weight[:, column[start[row]:start[row + 1]]] @ value[start[row]:start[row + 1]]
        code = self.g(z)
        # Side information at every layer: later layers and the output read [h, s].
        s = np.zeros(0)
        if self.side is not None and self.description["configuration"].get("sideEveryLayer"):
            weight, start, column, value = self.side
            s = np.zeros(weight.shape[1])
            s[column[start[row]:start[row + 1]]] = value[start[row]:start[row + 1]]
        for weight, bias in self.hidden:
            code = self.g(weight @ np.concatenate([code, s]) + bias)
        return self.f(self.W @ np.concatenate([code, s]) + self.b)

    def baseline(self, user, item):
        """The fallback for cold users or items: Surprise's BaselineOnly by ALS (10 epochs,
        user penalty 15, item penalty 10) fitted on the training ratings, mu + b_u + b_i."""
        if not hasattr(self, "_bu"):
            r = self.value - self.mean
            bu = np.zeros(len(self.user_index))
            bi = np.zeros(len(self.item_index))
            for _ in range(10):
                bi = np.bincount(self._items, weights=r - bu[self._users], minlength=len(bi)) / (10 + self.item_count)
                bu = np.bincount(self._users, weights=r - bi[self._items], minlength=len(bu)) / (15 + self.user_count)
            self._bu, self._bi = bu.astype(np.float32), bi.astype(np.float32)
        value = np.float32(self.mean)
        if user is not None:
            value += self._bu[user]
        if item is not None:
            value += self._bi[item]
        return float(value)

    def predict(self, raw_user, raw_item):
        """(rating clipped to the scale, source) for raw ids, as `autorec predict` answers."""
        u = self.user_index.get(raw_user)
        i = self.item_index.get(raw_item)
        u = u if u is not None and self.user_count[u] > 0 else None
        i = i if i is not None and self.item_count[i] > 0 else None
        if u is not None and i is not None:
            row, column = (i, u) if self.by_item else (u, i)
            value, source = self.reconstruct(row)[column], "model"
        else:
            value = self.baseline(u, i)
            source = {(True, False): "baseline: unknown user", (False, True): "baseline: unknown item",
                      (True, True): "baseline: unknown user and item"}[(u is None, i is None)]
        return float(np.clip(value, self.low, self.high)), source


if __name__ == "__main__":
    if len(sys.argv) < 4 or len(sys.argv) % 2 != 0:
        sys.exit(__doc__)
    model = SavedModel(sys.argv[1])
    pairs = sys.argv[2:]
    for user, item in zip(pairs[0::2], pairs[1::2]):
        rating, source = model.predict(user, item)
        print(f"{user}\t{item}\t{rating:.6f}\t{source}")
