"""A small residual network in the Keras functional API, written for the Activation Lens corpus:
keras.Input, layers called on tensors, a helper function that builds a block, Add, BatchNormalization,
GlobalAveragePooling2D and keras.Model(inputs, outputs)."""

import keras
from keras import layers


def residual_block(x, filters, stride=1):
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    y = layers.Add()([y, shortcut])
    return layers.ReLU()(y)


def build_resnet(input_shape=(32, 32, 3), num_classes=10, width=16):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(width, 3, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = residual_block(x, width)
    x = residual_block(x, width * 2, stride=2)
    x = residual_block(x, width * 4, stride=2)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="small_resnet")


def build_mlp(input_dim=784, num_classes=10):
    inputs = keras.Input(shape=(input_dim,), name="digits")
    x = layers.Dense(256, activation="relu", name="dense_1")(inputs)
    x = layers.Dropout(0.2)(x)
    x = layers.Dense(128, activation="relu", name="dense_2")(x)
    x = layers.LayerNormalization()(x)
    outputs = layers.Dense(num_classes, name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


inputs = keras.Input(shape=(64,))
h = layers.Dense(64, activation="gelu")(inputs)
h = layers.Add()([h, inputs])
h = layers.Dense(64, activation="gelu")(h)
outputs = layers.Dense(1)(h)
regressor = keras.Model(inputs, outputs)
