"""Flax linen modules with @nn.compact, written for the Activation Lens corpus: an MLP whose widths
are a dataclass field, and a CNN for 28×28 images (NHWC) with nn.Conv, nn.avg_pool and a reshape."""

from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp


class MLP(nn.Module):
    features: Sequence[int] = (256, 128, 10)

    @nn.compact
    def __call__(self, x):
        for feat in self.features[:-1]:
            x = nn.relu(nn.Dense(feat)(x))
        x = nn.Dense(self.features[-1])(x)
        return x


class CNN(nn.Module):
    num_classes: int = 10

    @nn.compact
    def __call__(self, x):
        x = nn.Conv(features=32, kernel_size=(3, 3))(x)
        x = nn.relu(x)
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = nn.Conv(features=64, kernel_size=(3, 3))(x)
        x = nn.relu(x)
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = x.reshape((x.shape[0], -1))
        x = nn.Dense(features=256)(x)
        x = nn.relu(x)
        x = nn.Dense(features=self.num_classes)(x)
        return x


class GeluMLP(nn.Module):
    hidden: int = 512
    out: int = 10
    dropout_rate: float = 0.1

    @nn.compact
    def __call__(self, x, train: bool = True):
        x = nn.Dense(self.hidden)(x)
        x = nn.gelu(x)
        x = nn.Dropout(rate=self.dropout_rate, deterministic=not train)(x)
        x = nn.Dense(self.hidden)(x)
        x = jax.nn.gelu(x, approximate=False)
        return nn.Dense(self.out)(x)


if __name__ == "__main__":
    params = CNN().init(jax.random.PRNGKey(0), jnp.ones((1, 28, 28, 1)))
    print(jax.tree_util.tree_map(jnp.shape, params))
