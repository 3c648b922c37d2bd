"""Flax linen modules defined with setup(), written for the Activation Lens corpus: submodules
assigned in setup, a list of layers, a pre-norm transformer-style MLP block with a residual add
and a model that composes blocks and an nn.Embed."""

import flax.linen as nn
import jax
import jax.numpy as jnp


class MLPBlock(nn.Module):
    dim: int = 128
    hidden: int = 512

    def setup(self):
        self.norm = nn.LayerNorm()
        self.fc1 = nn.Dense(self.hidden)
        self.fc2 = nn.Dense(self.dim)

    def __call__(self, x):
        y = self.norm(x)
        y = self.fc1(y)
        y = nn.gelu(y)
        y = self.fc2(y)
        return x + y


class Stack(nn.Module):
    vocab_size: int = 256
    dim: int = 128
    depth: int = 4

    def setup(self):
        self.embed = nn.Embed(num_embeddings=self.vocab_size, features=self.dim)
        self.blocks = [MLPBlock(dim=self.dim, hidden=4 * self.dim) for _ in range(self.depth)]
        self.norm = nn.LayerNorm()
        self.head = nn.Dense(self.vocab_size)

    def __call__(self, tokens):
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


class Autoencoder(nn.Module):
    latent: int = 32

    def setup(self):
        self.encoder = [nn.Dense(256), nn.Dense(128), nn.Dense(self.latent)]
        self.decoder = [nn.Dense(128), nn.Dense(256), nn.Dense(784)]

    def __call__(self, x):
        for layer in self.encoder:
            x = nn.tanh(layer(x))
        for layer in self.decoder[:-1]:
            x = nn.tanh(layer(x))
        return nn.sigmoid(self.decoder[-1](x))


if __name__ == "__main__":
    params = Stack().init(jax.random.PRNGKey(0), jnp.zeros((2, 16), jnp.int32))
    print(jax.tree_util.tree_map(jnp.shape, params))
