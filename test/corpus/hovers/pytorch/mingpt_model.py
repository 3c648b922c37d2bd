# Condensed from karpathy/minGPT mingpt/model.py (see ../SOURCES.md).
import math

import torch
import torch.nn as nn
from torch.nn import functional as F


class NewGELU(nn.Module):
    """GELU as in Google BERT and OpenAI GPT."""
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.mlp = nn.ModuleDict(dict(
            c_fc=nn.Linear(config.n_embd, 4 * config.n_embd),
            c_proj=nn.Linear(4 * config.n_embd, config.n_embd),
            act=NewGELU(),
        ))


def attend(att, v):
    att = F.softmax(att, dim=-1)
    return att @ v


def sample(logits):
    probs = F.softmax(logits, dim=-1)
    return torch.multinomial(probs, num_samples=1)
