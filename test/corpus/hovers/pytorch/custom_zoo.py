# Custom activations as public PyTorch code writes them (see ../SOURCES.md for each origin).
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import sin, pow


class SquaredReLU(nn.Module):  # karpathy/nanoGPT variations
    def forward(self, x):
        return torch.pow(torch.relu(x), 2)


class ReLUSquaredActivation(nn.Module):  # transformers activations.py
    def forward(self, input):
        relu_applied = nn.functional.relu(input)
        squared = torch.square(relu_applied)
        return squared


class ReluSquared(nn.Module):  # lucidrains x-transformers
    def forward(self, x):
        return F.relu(x) ** 2


class Swish(torch.nn.Module):  # resemble-ai/chatterbox
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(x)


class Snake(nn.Module):  # resemble-ai/chatterbox (BigVGAN's Snake)
    def __init__(self, in_features, alpha=1.0, alpha_trainable=True, alpha_logscale=False):
        super(Snake, self).__init__()
        self.alpha = nn.Parameter(torch.ones(in_features) * alpha)
        self.no_div_by_zero = 0.000000001

    def forward(self, x):
        alpha = self.alpha
        x = x + (1.0 / (alpha + self.no_div_by_zero)) * pow(sin(x * alpha), 2)
        return x


def snake(x, alpha):  # espnet2 gan_codec snake_activation.py
    x = x + (alpha + 1e-9).reciprocal() * torch.sin(alpha * x).pow(2)
    return x


class Mish(nn.Module):  # digantamisra98/Mish
    def forward(self, x):
        return x * torch.tanh(F.softplus(x))


def gelu_erf(x):  # the erf GELU of the BERT-era PyTorch ports
    return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


def hard_mish_like(x):
    return 0.5 * x * torch.clamp(x + 2, 0, 2)


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.act1 = SquaredReLU()
        self.act2 = ReluSquared()
        self.act3 = Snake(dim)
        self.act4 = Mish()
        self.act5 = Swish()

    def forward(self, x):
        x = self.act1(x) + snake(x, 1.0)
        return gelu_erf(x) + hard_mish_like(x)
