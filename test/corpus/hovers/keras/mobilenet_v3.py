# Condensed from keras-team/keras keras/src/applications/mobilenet_v3.py (see ../SOURCES.md).
from keras.src import backend
from keras.src import layers


def MobileNetV3(stack_fn, last_point_ch, minimalistic=False, classifier_activation="softmax"):
    if minimalistic:
        activation = relu
    else:
        activation = hard_swish
    x = layers.Input(shape=(224, 224, 3))
    x = activation(x)
    x = stack_fn(x, 3, activation, 0.25)
    x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    return x


def relu(x):
    return layers.ReLU()(x)


def hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _se_block(inputs, filters, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True)(inputs)
    x = layers.Conv2D(filters, kernel_size=1, padding="same")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same")(x)
    x = hard_sigmoid(x)
    return layers.Multiply()([inputs, x])
