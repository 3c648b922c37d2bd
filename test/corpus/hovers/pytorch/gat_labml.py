# Condensed from labmlai/annotated_deep_learning_paper_implementations labml_nn/graphs/gat/__init__.py.
import torch
from torch import nn


class GraphAttentionLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int, n_heads: int,
                 is_concat: bool = True,
                 dropout: float = 0.6,
                 leaky_relu_negative_slope: float = 0.2):
        super().__init__()
        self.attn = nn.Linear(out_features * 2, 1, bias=False)
        self.activation = nn.LeakyReLU(negative_slope=leaky_relu_negative_slope)
        self.softmax = nn.Softmax(dim=1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, g_concat: torch.Tensor):
        e = self.activation(self.attn(g_concat))
        return self.softmax(e.squeeze(-1))
