"""Runs the sample models in PyTorch itself, with PyTorch's own default init, and records the
gradient-flow figures per Linear layer: the truth the model check is tested against
(test/unit/model/torch-agreement.test.ts).

Dev-only: uses Debian's python3-torch (run it with /usr/bin/python3); the product never needs Python.

    /usr/bin/python3 scripts/torch-model-check.py > test/unit/model/fixtures/torch-models.json

Protocol (as test/reference/README.md, gradflow): float64, training mode (dropout active),
X ~ N(0,1) of batch × in_features of the first Linear, loss = Σ out ⊙ G with G ~ N(0,1).
Per Linear layer l (z_l its output, h_l what the next Linear receives, or the model's output):
postMean/postStd (population) of h_l; deadFraction = share of units whose ∂L/∂z_l is 0 on every row
(act′(z) = 0 everywhere: with Gaussian G nothing else zeroes a whole column); weightGradNorm =
‖∂L/∂W_l‖_F; inputGradRms = RMS(∂L/∂input of Linear l). Stored like gradflow.json: mean and
between-seed standard deviation of log10 figures and of postMean/deadFraction, over SEEDS seeds.

The models are built by the sample files themselves (runpy), so the init is exactly what a user
of the file gets: nn.Linear's default and whatever nn.init calls the file makes.
"""

import json
import math
import runpy
import sys
from pathlib import Path

import torch
from torch import nn

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = 20
BATCH = 256

# (file, model name as the reader names it, how to build it from the file's globals)
MODELS = [
    ("samples/models/deep_sigmoid_mlp.py", "model", lambda g: g["model"]),
    ("samples/models/relu_mlp.py", "ReluMLP", lambda g: g["ReluMLP"]()),
    ("samples/models/selu_alphadropout.py", "SNN", lambda g: g["SNN"]()),
    ("samples/pytorch_mlp.py", "MLP", lambda g: g["MLP"]()),
]


def run_once(path: str, build, seed: int):
    torch.manual_seed(seed)
    # Re-running the file redraws module-level models (nn.Sequential built at import) too.
    model = build(runpy.run_path(str(ROOT / path), run_name="sample"))
    model.train()
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    inputs, outputs = {}, {}

    def hook(mod, args, out):
        x = args[0]
        x.retain_grad()
        out.retain_grad()
        inputs[mod] = x
        outputs[mod] = out

    handles = [m.register_forward_hook(hook) for m in linears]
    x = torch.randn(BATCH, linears[0].in_features, requires_grad=True)
    out = model(x)
    g = torch.randn_like(out)
    (out * g).sum().backward()
    for h in handles:
        h.remove()
    rows = []
    for i, lin in enumerate(linears):
        # What follows Linear i is what Linear i+1 receives (flatten/view aside), or the output.
        h = (inputs[linears[i + 1]] if i + 1 < len(linears) else out).detach()
        z_grad = outputs[lin].grad
        rows.append(
            {
                "postMean": h.mean().item(),
                "postStd": h.std(unbiased=False).item(),
                "deadFraction": (z_grad == 0).all(dim=0).double().mean().item(),
                "weightGradNorm": lin.weight.grad.norm().item(),
                "inputGradRms": inputs[lin].grad.pow(2).mean().sqrt().item(),
            }
        )
    return rows


def summarise(runs):
    layers = []
    for i in range(len(runs[0])):
        entry = {"layer": i + 1}
        for key in ("postStd", "weightGradNorm", "inputGradRms"):
            vals = torch.tensor([math.log10(r[i][key]) for r in runs])
            entry[f"{key}Log10"] = vals.mean().item()
            entry[f"{key}Log10Sd"] = vals.std().item()
        for key in ("postMean", "deadFraction"):
            vals = torch.tensor([r[i][key] for r in runs])
            entry[key] = vals.mean().item()
            entry[f"{key}Sd"] = vals.std().item()
        layers.append(entry)
    return layers


def main():
    out = {
        "source": f"torch {torch.__version__} float64 (Debian python3-torch), scripts/torch-model-check.py",
        "seeds": SEEDS,
        "batch": BATCH,
        "models": [],
    }
    for path, name, build in MODELS:
        runs = [run_once(path, build, seed) for seed in range(SEEDS)]
        out["models"].append({"file": path, "model": name, "layers": summarise(runs)})
        print(f"{path} {name}: {len(runs[0])} Linear layers", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
