"""A Flax linen MLP: `nn` here is flax.linen, so `nn.gelu` is JAX's (tanh-approximate by default)."""

import flax.linen as nn
import jax
import jax.numpy as jnp


class MLP(nn.Module):
    features: tuple[int, ...] = (128, 128, 10)

    @nn.compact
    def __call__(self, x: jnp.ndarray) -> jnp.ndarray:
        x = nn.Dense(self.features[0])(x)
        x = nn.gelu(x)
        x = nn.Dense(self.features[1])(x)
        x = jax.nn.relu(x)
        x = nn.Dense(self.features[2])(x)
        return jax.nn.log_softmax(x)


if __name__ == "__main__":
    model = MLP()
    params = model.init(jax.random.PRNGKey(0), jnp.ones((1, 64)))
    print(model.apply(params, jnp.ones((4, 64))).shape)
