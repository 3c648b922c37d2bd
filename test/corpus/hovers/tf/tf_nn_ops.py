# TensorFlow 2 spellings as the TF tutorials and tensorflow/models write them (see ../SOURCES.md).
import tensorflow as tf


def block(x, training):
    y = tf.nn.relu(x)
    y = tf.nn.relu6(y)
    y = tf.nn.leaky_relu(y)
    y = tf.nn.leaky_relu(y, alpha=0.1)
    y = tf.nn.elu(y)
    y = tf.nn.selu(y)
    y = tf.nn.gelu(y, approximate=True)
    y = tf.nn.gelu(y)
    y = tf.nn.silu(y)
    y = tf.nn.swish(y)
    y = tf.math.sigmoid(y)
    y = tf.nn.softplus(y)
    y = tf.math.softplus(y)
    y = tf.nn.softsign(y)
    y = tf.math.tanh(y)
    y = tf.sigmoid(y)
    logits = tf.keras.layers.Dense(10)(y)
    probs = tf.nn.softmax(logits)
    logp = tf.nn.log_softmax(logits)
    return probs, logp


def make_model():
    return tf.keras.Sequential([
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(128, activation=tf.nn.gelu),
        tf.keras.layers.LeakyReLU(),
        tf.keras.layers.ReLU(max_value=6.0),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
