#!/usr/bin/env python3
"""PyTorch baseline for scripts/bench-graph.mjs: the networks of src/kernel/graph/zoo.ts, float32,
torch.set_num_threads(1), timed as our engine times them: parameters and inputs drawn, forward,
loss = Σ out ⊙ G with G ~ N(0, 1), backward. Prints one JSON line.

    /usr/bin/python3 scripts/bench_torch_graph.py [reps]
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


class BasicBlock(nn.Module):
    """kuangliu/pytorch-cifar models/resnet.py."""

    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes)
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


class ResNet18(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.in_planes = 64
        self.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = self._make_layer(64, 2, 1)
        self.layer2 = self._make_layer(128, 2, 2)
        self.layer3 = self._make_layer(256, 2, 2)
        self.layer4 = self._make_layer(512, 2, 2)
        self.linear = nn.Linear(512, num_classes)

    def _make_layer(self, planes, n, stride):
        layers = []
        for s in [stride] + [1] * (n - 1):
            layers.append(BasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        out = F.avg_pool2d(out, 4)
        return self.linear(out.view(out.size(0), -1))


class Block(nn.Module):
    """nanoGPT model.py Block (bias=True, dropout 0, flash attention path)."""

    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.ln_1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def attn(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True) if hasattr(F, "scaled_dot_product_attention") else manual_attn(q, k, v)
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


def manual_attn(q, k, v):
    """torch < 2.0 has no F.scaled_dot_product_attention: nanoGPT's own fallback."""
    T = q.size(-2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    att = att.masked_fill(~mask, float("-inf"))
    return F.softmax(att, dim=-1) @ v


class GPT(nn.Module):
    def __init__(self, V=65, T=64, L=4, C=128, H=4):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList(Block(C, H) for _ in range(L))
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.lm_head.weight = self.wte.weight
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, idx):
        T = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.h:
            x = b(x)
        return self.lm_head(self.ln_f(x))


def time_model(make, make_input, reps):
    times = []
    cpu = []
    for r in range(reps + 1):
        torch.manual_seed(r)
        c0, t0 = time.process_time(), time.perf_counter()
        model = make()
        x = make_input()
        out = model(x)
        g = torch.randn_like(out)
        (out * g).sum().backward()
        t, c = time.perf_counter() - t0, time.process_time() - c0
        if r > 0:  # the first run warms up allocators and kernels
            times.append(t)
            cpu.append(c)
    times.sort()
    return {"best_s": times[0], "median_s": times[len(times) // 2], "cpu_best_s": min(cpu)}


reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
result = {
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "resnet18": time_model(ResNet18, lambda: torch.randn(8, 3, 32, 32), reps),
    "gpt": time_model(GPT, lambda: torch.randint(0, 65, (4, 64)), reps),
}
print(json.dumps(result))
