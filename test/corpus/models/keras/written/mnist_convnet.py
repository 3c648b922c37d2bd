"""A Keras 3 convnet for 28×28 digits, written for the Activation Lens corpus: a Sequential that
starts with keras.Input, Conv2D / MaxPooling2D / Flatten / Dropout / Dense."""

import keras
from keras import layers

num_classes = 10
input_shape = (28, 28, 1)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)

if __name__ == "__main__":
    model.summary()
