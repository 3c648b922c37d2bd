"""Activation Lens sample: two small PyTorch models to hover, plot and check.

`deep` is the textbook vanishing-gradient network: every sigmoid passes back at most a quarter
of the gradient, and nn.Linear's default init shrinks it further. `block` is a GELU block with a
leaky ReLU whose slope is not PyTorch's default.
"""

import torch.nn as nn

deep = nn.Sequential(
    nn.Linear(784, 256),
    nn.Sigmoid(),
    nn.Linear(256, 256),
    nn.Sigmoid(),
    nn.Linear(256, 256),
    nn.Sigmoid(),
    nn.Linear(256, 256),
    nn.Sigmoid(),
    nn.Linear(256, 256),
    nn.Sigmoid(),
    nn.Linear(256, 10),
)

block = nn.Sequential(
    nn.Linear(256, 1024),
    nn.GELU(approximate="tanh"),
    nn.Linear(1024, 256),
    nn.LeakyReLU(0.2),
)
