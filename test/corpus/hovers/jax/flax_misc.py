# Flax linen / nnx and jax.nn spellings as the Flax examples write them (see ../SOURCES.md).
import jax
import jax.numpy as jnp
import flax.linen as nn
from flax import nnx


class CNN(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Conv(features=32, kernel_size=(3, 3))(x)
        x = nn.relu(x)
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = nn.Dense(features=256)(x)
        x = nn.relu(x)
        x = nn.Dense(features=10)(x)
        return nn.log_softmax(x)


class MLP(nnx.Module):
    def __call__(self, x):
        x = nnx.gelu(self.linear1(x))
        x = nnx.silu(x)
        x = nnx.leaky_relu(x, negative_slope=0.2)
        x = nnx.sigmoid(x)
        return nnx.softmax(x)


def swish_jnp(x):
    return x * jax.nn.sigmoid(x)


def squared_relu(x):
    return jnp.square(jnp.maximum(x, 0.0))


def celu_like(x, alpha=1.0):
    return jnp.where(x > 0, x, alpha * jnp.expm1(x / alpha))


def head(x):
    x = jax.nn.gelu(x, approximate=False)
    x = jax.nn.gelu(x)
    x = jax.nn.elu(x)
    x = jax.nn.celu(x, alpha=0.5)
    x = jax.nn.softplus(x)
    x = jax.nn.hard_tanh(x)
    x = jax.nn.relu6(x)
    x = jax.nn.mish(x)
    x = jnp.tanh(x)
    x = swish_jnp(x) + squared_relu(x) + celu_like(x)
    return jax.nn.log_softmax(x)
