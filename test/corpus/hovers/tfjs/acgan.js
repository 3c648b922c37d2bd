// Condensed from tensorflow/tfjs-examples mnist-acgan/gan.js (see ../SOURCES.md).
const tf = require('@tensorflow/tfjs');

function buildGenerator(latentSize) {
  const cnn = tf.sequential();
  cnn.add(tf.layers.dense({units: 3 * 3 * 384, inputShape: [latentSize], activation: 'relu'}));
  cnn.add(tf.layers.conv2dTranspose({filters: 192, kernelSize: 5, activation: 'relu'}));
  cnn.add(tf.layers.conv2dTranspose({filters: 1, kernelSize: 5, activation: 'tanh'}));
  return cnn;
}

function buildDiscriminator(features) {
  const cnn = tf.sequential();
  cnn.add(tf.layers.conv2d({filters: 32, kernelSize: 3, padding: 'same', strides: 2}));
  cnn.add(tf.layers.leakyReLU({alpha: 0.2}));
  cnn.add(tf.layers.conv2d({filters: 64, kernelSize: 3, padding: 'same', strides: 1}));
  cnn.add(tf.layers.leakyReLU({alpha: 0.2}));
  cnn.add(tf.layers.leakyReLU());
  const realnessScore = tf.layers.dense({units: 1, activation: 'sigmoid'}).apply(features);
  const aux = tf.layers.dense({units: 10, activation: 'softmax'}).apply(features);
  return [realnessScore, aux];
}

function ops(x) {
  const a = tf.relu(x);
  const b = tf.leakyRelu(a, 0.1);
  const c = tf.elu(b);
  const d = tf.selu(c);
  const e = tf.sigmoid(d);
  const f = tf.tanh(e);
  const g = tf.softplus(f);
  const h = tf.relu6(g);
  const i = tf.leakyRelu(h);
  return tf.softmax(i);
}
module.exports = {buildGenerator, buildDiscriminator, ops};
