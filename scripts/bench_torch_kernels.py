"""PyTorch baseline for `npm run bench`: f + f' over N float64 points per activation, one thread.

Dev-only (the product never needs Python). Prints JSON {id: ns_per_point} on stdout.
f' comes from autograd (forward + backward with a ones gradient), which is what a user of
PyTorch pays for the pair.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
g = torch.Generator().manual_seed(0)
x0 = (torch.rand(n, generator=g, dtype=torch.float64) * 20 - 10)
ones = torch.ones(n, dtype=torch.float64)
w = torch.tensor([0.25], dtype=torch.float64)

FNS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
    "elu": F.elu,
    "selu": F.selu,
    "celu": F.celu,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "softplus": F.softplus,
    "silu": F.silu,
    "mish": F.mish,
    "softsign": F.softsign,
    "hardtanh": F.hardtanh,
    "relu6": F.relu6,
    "hardsigmoid": F.hardsigmoid,
    "hardswish": F.hardswish,
    "logsigmoid": F.logsigmoid,
    "tanhshrink": F.tanhshrink,
    "softshrink": F.softshrink,
    "hardshrink": F.hardshrink,
    "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
    "prelu": lambda x: F.prelu(x, w),
    "rrelu": lambda x: F.rrelu(x, training=False),
    "threshold": lambda x: F.threshold(x, 0.0, 0.0),
    "identity": lambda x: x * 1.0,
    "step": lambda x: (x > 0).to(x.dtype) + 0 * x,
    "squareplus": lambda x: 0.5 * (x + torch.sqrt(x * x + 4.0)),
    "hard_sigmoid_linear": lambda x: torch.clamp(0.2 * x + 0.5, 0.0, 1.0),
    "exponential": torch.exp,
    "relu2": lambda x: torch.relu(x) ** 2,
}


def once(fn):
    x = x0.detach().clone().requires_grad_(True)
    t = time.perf_counter()
    y = fn(x)
    y.backward(ones)
    return time.perf_counter() - t


out = {}
for name, fn in FNS.items():
    once(fn)
    best = min(once(fn) for _ in range(reps))
    out[name] = best / n * 1e9
print(json.dumps({"torch": torch.__version__, "n": n, "nsPerPoint": out}))
