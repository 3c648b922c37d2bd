# Condensed from huggingface/transformers models/bert/modeling_bert.py and models/t5/modeling_t5.py.
import torch
from torch import nn

from ...activations import ACT2FN


class BertIntermediate(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.intermediate_act_fn = ACT2FN[config.hidden_act]


class BertPooler(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.activation = nn.Tanh()


class BertSelfAttention(nn.Module):
    def forward(self, attention_scores):
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        return attention_probs


class T5DenseActDense(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.act = ACT2FN[config.dense_act_fn]


class ElectraDiscriminatorPredictions(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.activation = ACT2FN["gelu"]
        self.act2 = ACT2FN["relu2"]
        self.act3 = ACT2FN["gelu_pytorch_tanh"]
