"""Convolutions and normalisation, simulated by the check like every other layer.

- `CNN`: a Conv2d feature extractor and a Linear head, checked whole (28 by 28 single-channel
  inputs assumed from Conv2d(1, ...)); some ReLU channels are dead at init, and it says so.
- `bn_mlp`: BatchNorm1d in training mode, normalising with the batch's own statistics.
- `conv_in_the_middle`: a convolution between Linear layers (Unflatten, Conv2d, Flatten).
"""

import torch
from torch import nn


class CNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.head = nn.Sequential(
            nn.Linear(32 * 14 * 14, 128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


bn_mlp = nn.Sequential(
    nn.Linear(64, 128),
    nn.BatchNorm1d(128),
    nn.Tanh(),
    nn.Linear(128, 10),
)

conv_in_the_middle = nn.Sequential(
    nn.Linear(64, 256),
    nn.ReLU(),
    nn.Unflatten(1, (1, 16, 16)),
    nn.Conv2d(1, 4, 3, padding=1),
    nn.Flatten(),
    nn.Linear(1024, 10),
)
