"""Activations defined in the file: hover a name to see what it computes.

QuickGELU and NewGELU are recognised as built-ins (with how closely they agree); Snake is not a
built-in, so the hover shows its formula, its derivative and a plot.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class NewGELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Snake(nn.Module):
    def __init__(self, alpha: float = 0.5):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return x + 1.0 / self.alpha * torch.sin(self.alpha * x) ** 2


def mish(x):
    return x * F.softplus(x).tanh()


class Block(nn.Module):
    def __init__(self, dim: int, leaky_slope: float = 0.2):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.act1 = QuickGELU()
        self.act2 = Snake()
        self.act3 = nn.LeakyReLU(leaky_slope)

    def forward(self, x):
        return self.act3(self.act2(self.act1(self.fc(x)))) + mish(x)
