"""A deep sigmoid MLP with PyTorch's default init: the textbook vanishing-gradient network.

Each sigmoid passes back at most a quarter of the gradient, and nn.Linear's default
U(±1/√fan_in) weights shrink it by another √3: eight layers deep, the first layer learns
about a million times slower than the last.
"""

from collections import OrderedDict

import torch.nn as nn

WIDTH = 256

model = nn.Sequential(
    OrderedDict(
        [
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(28 * 28, WIDTH)),
            ("act1", nn.Sigmoid()),
            ("fc2", nn.Linear(WIDTH, WIDTH)),
            ("act2", nn.Sigmoid()),
            ("fc3", nn.Linear(WIDTH, WIDTH)),
            ("act3", nn.Sigmoid()),
            ("fc4", nn.Linear(WIDTH, WIDTH)),
            ("act4", nn.Sigmoid()),
            ("fc5", nn.Linear(WIDTH, WIDTH)),
            ("act5", nn.Sigmoid()),
            ("fc6", nn.Linear(WIDTH, WIDTH)),
            ("act6", nn.Sigmoid()),
            ("fc7", nn.Linear(WIDTH, WIDTH)),
            ("act7", nn.Sigmoid()),
            ("out", nn.Linear(WIDTH, 10)),
        ]
    )
)
