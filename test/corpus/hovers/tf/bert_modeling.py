# Condensed from google-research/bert modeling.py (see ../SOURCES.md).
import numpy as np
import six
import tensorflow as tf


class BertConfig(object):
  def __init__(self,
               vocab_size,
               hidden_size=768,
               intermediate_size=3072,
               hidden_act="gelu",
               hidden_dropout_prob=0.1):
    self.vocab_size = vocab_size
    self.hidden_act = hidden_act


def pooler(first_token_tensor, config):
  return tf.layers.dense(
      first_token_tensor,
      config.hidden_size,
      activation=tf.tanh)


def gelu(x):
  cdf = 0.5 * (1.0 + tf.tanh(
      (np.sqrt(2 / np.pi) * (x + 0.044715 * tf.pow(x, 3)))))
  return x * cdf


def get_activation(activation_string):
  if not isinstance(activation_string, six.string_types):
    return activation_string
  act = activation_string.lower()
  if act == "relu":
    return tf.nn.relu
  elif act == "gelu":
    return gelu
  elif act == "tanh":
    return tf.tanh
  raise ValueError("Unsupported activation: %s" % act)


def attention_probs(attention_scores):
  return tf.nn.softmax(attention_scores)
