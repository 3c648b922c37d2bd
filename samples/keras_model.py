"""A Keras 3 classifier: string activation ids, layer objects and the Activation layer."""

import keras
from keras import layers


def build_model(input_dim: int = 32, classes: int = 10) -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input(shape=(input_dim,)),
            layers.Dense(64, activation="selu", kernel_initializer="lecun_normal"),
            layers.AlphaDropout(0.05),
            layers.Dense(64),
            layers.LeakyReLU(),
            layers.Dense(32),
            layers.Activation("gelu"),
            layers.Dense(classes, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    build_model().summary()
