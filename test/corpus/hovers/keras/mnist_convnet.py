# Condensed from keras-team/keras-io examples/vision/mnist_convnet.py (see ../SOURCES.md).
from tensorflow import keras
from tensorflow.keras import layers

num_classes = 10
model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
