"""A small PyTorch MLP classifier with a mix of activation spellings."""

import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features: int = 784, hidden: int = 256, classes: int = 10) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.GELU(approximate="tanh"),
            nn.Linear(hidden, hidden),
            nn.LeakyReLU(0.2),
            nn.Dropout(0.1),
            nn.Linear(hidden, hidden),
            nn.ELU(alpha=0.5),
        )
        self.fc = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.encoder(x.flatten(1))
        x = F.silu(self.fc(x))
        logits = self.head(x)
        return torch.sigmoid(logits)


if __name__ == "__main__":
    model = MLP()
    print(model(torch.randn(8, 784)).shape)
