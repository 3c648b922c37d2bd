#!/usr/bin/env python3
"""The gradient-flow protocol in PyTorch (float64, one thread): the baseline for
scripts/bench-gradflow.mjs and a cross-check of our statistics.

Same protocol as test/reference/README.md (gradflow): X ~ N(0,1), z = h Wᵀ (no bias),
h = act(z), loss = Σ h_L ⊙ G, G ~ N(0,1); autograd for the gradients.

  gradflow_torch.py time --activation relu --init he_normal --depth 32 --width 256 --batch 256 --reps 5
      prints {"best_s", "median_s"}: drawing X, W, G + forward + backward + statistics, as ours
      (and "compute_best_s": without the random draws)
  gradflow_torch.py stats ... --seed S
      prints the per-layer statistics as JSON
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

ACTS = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "selu": torch.selu,
    "gelu": F.gelu,
    "leaky_relu": F.leaky_relu,
    "elu": F.elu,
    "silu": F.silu,
}


def init_weight(w, init, gain=1.0):
    fan_out, fan_in = w.shape
    if init == "xavier_normal":
        torch.nn.init.xavier_normal_(w, gain)
    elif init == "xavier_uniform":
        torch.nn.init.xavier_uniform_(w, gain)
    elif init == "he_normal":
        torch.nn.init.normal_(w, 0.0, gain * math.sqrt(2.0 / fan_in))
    elif init == "he_uniform":
        a = gain * math.sqrt(6.0 / fan_in)
        torch.nn.init.uniform_(w, -a, a)
    elif init == "lecun_normal":
        torch.nn.init.normal_(w, 0.0, gain * math.sqrt(1.0 / fan_in))
    elif init == "lecun_uniform":
        a = gain * math.sqrt(3.0 / fan_in)
        torch.nn.init.uniform_(w, -a, a)
    elif init == "pytorch_default":
        a = gain / math.sqrt(fan_in)
        torch.nn.init.uniform_(w, -a, a)
    elif init == "orthogonal":
        torch.nn.init.orthogonal_(w, gain)
    else:
        raise SystemExit(f"unknown init {init}")


def run(args, seed):
    t_all = time.perf_counter()
    c_all = time.process_time()
    torch.manual_seed(seed)
    act = ACTS[args.activation]
    x = torch.randn(args.batch, args.width)
    ws = []
    for _ in range(args.depth):
        w = torch.empty(args.width, args.width)
        init_weight(w, args.init, args.gain)
        ws.append(w.requires_grad_())
    g = torch.randn(args.batch, args.width)
    t0 = time.perf_counter()
    h = x.requires_grad_()
    inputs, zs, outs = [], [], []
    for w in ws:
        inputs.append(h)
        h.retain_grad()
        z = h @ w.t()
        zs.append(z)
        h = act(z)
        outs.append(h)
    (h * g).sum().backward()
    layers = []
    with torch.no_grad():
        for i, w in enumerate(ws):
            out, z = outs[i], zs[i]
            # act'(z) == 0 on every row, as ours: through autograd of the activation alone.
            zz = z.detach().clone().requires_grad_()
            with torch.enable_grad():
                d = torch.autograd.grad(act(zz).sum(), zz)[0]
            layers.append(
                {
                    "layer": i + 1,
                    "postMean": out.mean().item(),
                    "postStd": out.std(unbiased=False).item(),
                    "deadFraction": (d == 0).all(dim=0).double().mean().item(),
                    "weightGradNorm": w.grad.norm().item(),
                    "inputGradRms": inputs[i].grad.pow(2).mean().sqrt().item(),
                }
            )
    t1 = time.perf_counter()
    return (t1 - t0, t1 - t_all, time.process_time() - c_all), layers


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["time", "stats"])
    p.add_argument("--activation", default="relu")
    p.add_argument("--init", default="he_normal")
    p.add_argument("--gain", type=float, default=1.0)
    p.add_argument("--depth", type=int, default=32)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reps", type=int, default=5)
    args = p.parse_args()
    if args.mode == "stats":
        print(json.dumps(run(args, args.seed)[1]))
        return
    run(args, 0)  # warm-up
    times = [run(args, r)[0] for r in range(args.reps)]
    compute = [t[0] for t in times]
    total = [t[1] for t in times]
    print(
        json.dumps(
            {
                "best_s": min(total),
                "median_s": statistics.median(total),
                "compute_best_s": min(compute),
                "cpu_best_s": min(t[2] for t in times),
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
