// Condensed from tensorflow/tfjs-examples mnist/index.js (see ../SOURCES.md).
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential({
  layers: [
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      kernelSize: 5,
      filters: 8,
      activation: 'relu',
    }),
    tf.layers.maxPooling2d({poolSize: [2, 2], strides: [2, 2]}),
    tf.layers.conv2d({kernelSize: 5, filters: 16, activation: 'relu'}),
    tf.layers.flatten(),
    tf.layers.dense({units: 10, activation: 'softmax'}),
  ],
});
export default model;
