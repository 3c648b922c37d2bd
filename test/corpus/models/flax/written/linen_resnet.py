"""A small Flax linen ResNet with BatchNorm, written for the Activation Lens corpus: a block
module used by a model, a `train` flag deciding use_running_average, a projection shortcut and
global average pooling as a mean over the spatial axes (NHWC)."""

from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp


class ResidualBlock(nn.Module):
    filters: int
    strides: int = 1

    @nn.compact
    def __call__(self, x, train: bool = True):
        residual = x
        y = nn.Conv(self.filters, (3, 3), (self.strides, self.strides), use_bias=False)(x)
        y = nn.BatchNorm(use_running_average=not train)(y)
        y = nn.relu(y)
        y = nn.Conv(self.filters, (3, 3), use_bias=False)(y)
        y = nn.BatchNorm(use_running_average=not train)(y)
        if residual.shape != y.shape:
            residual = nn.Conv(self.filters, (1, 1), (self.strides, self.strides), use_bias=False)(residual)
            residual = nn.BatchNorm(use_running_average=not train)(residual)
        return nn.relu(residual + y)


class ResNet(nn.Module):
    stage_sizes: Sequence[int] = (2, 2, 2)
    num_filters: int = 16
    num_classes: int = 10

    @nn.compact
    def __call__(self, x, train: bool = True):
        x = nn.Conv(self.num_filters, (3, 3), use_bias=False)(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        x = nn.relu(x)
        for i, block_size in enumerate(self.stage_sizes):
            for j in range(block_size):
                strides = 2 if i > 0 and j == 0 else 1
                x = ResidualBlock(self.num_filters * 2**i, strides=strides)(x, train=train)
        x = jnp.mean(x, axis=(1, 2))
        x = nn.Dense(self.num_classes)(x)
        return x


if __name__ == "__main__":
    variables = ResNet().init(jax.random.PRNGKey(0), jnp.ones((1, 32, 32, 3)))
    print(jax.tree_util.tree_map(jnp.shape, variables["params"]))
