// TF.js defaults differ between the op and the layer: hover each.
import * as tf from "@tensorflow/tfjs";

export const op = (x: tf.Tensor) => tf.leakyRelu(x); // alpha 0.2
export const layer = tf.layers.leakyReLU(); // alpha 0.3
export const hard = tf.layers.dense({ units: 4, activation: "hardSigmoid" }); // 0.2x + 0.5
