"""Subclassed Keras 3 models written for the Activation Lens corpus: layers created in __init__,
wired in call(), a custom Layer used as a block, Embedding and pooling over a sequence."""

import keras
from keras import layers


class MLPBlock(layers.Layer):
    def __init__(self, units=64, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units, activation="relu")
        self.dropout = layers.Dropout(rate)
        self.norm = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs, training=False):
        x = self.dense(inputs)
        x = self.dropout(x, training=training)
        return self.norm(x)


class Classifier(keras.Model):
    def __init__(self, num_classes=10, hidden=64):
        super().__init__()
        self.block1 = MLPBlock(hidden)
        self.block2 = MLPBlock(hidden)
        self.out = layers.Dense(num_classes)

    def call(self, inputs, training=False):
        x = self.block1(inputs, training=training)
        x = self.block2(x, training=training)
        return self.out(x)


class TextClassifier(keras.Model):
    def __init__(self, vocab_size=20000, embed_dim=32, maxlen=200):
        super().__init__()
        self.maxlen = maxlen
        self.embedding = layers.Embedding(vocab_size, embed_dim)
        self.pool = layers.GlobalAveragePooling1D()
        self.hidden = layers.Dense(20, activation="relu")
        self.drop = layers.Dropout(0.1)
        self.classify = layers.Dense(2, activation="softmax")

    def call(self, inputs):
        x = self.embedding(inputs)
        x = self.pool(x)
        x = self.drop(self.hidden(x))
        return self.classify(x)


class ConvNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = layers.Conv2D(32, 3, padding="same")
        self.bn1 = layers.BatchNormalization()
        self.conv2 = layers.Conv2D(64, 3, padding="same")
        self.bn2 = layers.BatchNormalization()
        self.pool = layers.MaxPooling2D()
        self.gap = layers.GlobalAveragePooling2D()
        self.fc = layers.Dense(10)

    def call(self, x):
        x = keras.activations.relu(self.bn1(self.conv1(x)))
        x = self.pool(x)
        x = keras.activations.relu(self.bn2(self.conv2(x)))
        x = self.gap(x)
        return self.fc(x)
