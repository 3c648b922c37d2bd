# Keras 3 spellings as keras-io examples write them (see ../SOURCES.md).
import keras
from keras import layers
from keras import ops


def swish_ops(x):
    return x * ops.sigmoid(x)


def gelu_ops(x):
    return 0.5 * x * (1 + ops.tanh(ops.sqrt(2 / 3.141592653589793) * (x + 0.044715 * ops.power(x, 3))))


def build(dim):
    inputs = keras.Input(shape=(dim,))
    x = layers.Dense(dim, activation="gelu")(inputs)
    x = layers.Dense(dim, activation="selu", kernel_initializer="lecun_normal")(x)
    x = layers.Dense(dim, activation=keras.activations.swish)(x)
    x = layers.LeakyReLU(negative_slope=0.1)(x)
    x = layers.LeakyReLU()(x)
    x = layers.ELU(alpha=0.5)(x)
    x = layers.PReLU()(x)
    x = layers.Activation("elu")(x)
    x = layers.Activation(swish_ops)(x)
    x = layers.Activation(gelu_ops)(x)
    x = keras.activations.hard_sigmoid(x)
    x = layers.Dense(dim, activation="softplus")(x)
    x = layers.Dense(dim, activation="tanh")(x)
    logits = layers.Dense(10)(x)
    probs = layers.Softmax()(logits)
    logp = keras.activations.log_softmax(logits)
    return keras.Model(inputs, [probs, logp])
