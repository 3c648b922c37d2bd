// A TensorFlow.js model: a layers model with string activations and an ops-level leaky ReLU.
import * as tf from '@tensorflow/tfjs';

export function buildModel(inputDim = 16): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [inputDim], units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 32, activation: 'elu' }));
  model.add(tf.layers.leakyReLU({ alpha: 0.1 }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}

export function leakyFeatures(x: tf.Tensor): tf.Tensor {
  return tf.leakyRelu(x, 0.2);
}
