"""A ReLU MLP with PyTorch's default init, written as an nn.Module with a forward()."""

import torch
import torch.nn.functional as F
from torch import nn


class ReluMLP(nn.Module):
    def __init__(self, in_features: int = 784, hidden: int = 512, classes: int = 10) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, hidden // 2)
        self.drop = nn.Dropout(p=0.2)
        self.out = nn.Linear(hidden // 2, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = self.drop(F.relu(self.fc2(x)))
        x = torch.relu(self.fc3(x))
        return self.out(x)
