"""Same name, different defaults: hover each line to see the slope (or form) actually in effect."""

import jax
import keras
import tensorflow as tf
import torch.nn.functional as F
from keras import layers
from torch import nn

torch_layer = nn.LeakyReLU()  # negative_slope 0.01
torch_fn = F.leaky_relu(x)  # 0.01
keras_layer = layers.LeakyReLU()  # 0.3
keras_fn = keras.activations.leaky_relu(x)  # 0.2
keras_id = layers.Dense(8, activation="leaky_relu")  # 0.2 (the string id calls keras.activations.leaky_relu)
tf_fn = tf.nn.leaky_relu(x)  # alpha 0.2
jax_fn = jax.nn.leaky_relu(x)  # 0.01

torch_gelu = nn.GELU()  # exact (erf)
jax_gelu = jax.nn.gelu(x)  # tanh approximation by default
keras_hard = layers.Dense(8, activation="hard_sigmoid")  # Keras 3: relu6(x+3)/6; Keras 2: 0.2x+0.5
prelu_torch = nn.PReLU()  # slope starts at 0.25
prelu_keras = layers.PReLU()  # slope starts at 0
