"""A self-normalising network (Klambauer et al., 2017): SELU, LeCun-normal weights, Alpha Dropout.

nn.Linear's default init is not LeCun normal, so the weights are re-initialised below:
kaiming_normal_ with nonlinearity="linear" is N(0, 1/fan_in), i.e. LeCun normal.
"""

import torch.nn as nn


class SNN(nn.Module):
    def __init__(self, in_features: int = 128, hidden: int = 256, depth: int = 8) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(hidden, hidden),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(hidden, hidden),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(hidden, hidden),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(hidden, hidden),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(hidden, hidden),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(hidden, 10),
        )
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="linear")
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.net(x)
