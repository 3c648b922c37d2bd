"""A Keras MLP: Dense layers with Keras' defaults (glorot_uniform weights, zero bias)."""

import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(256, activation="relu"),
        layers.Dense(128),
        layers.LeakyReLU(negative_slope=0.1),
        layers.Dense(10, activation="softmax"),
    ],
    name="keras_mlp",
)
