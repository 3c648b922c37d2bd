# The pattern of a small public GAT (module-level constants for the slope), see ../SOURCES.md.
import torch
import torch.nn as nn

DROPOUT_PROBA = 0.6
LEAKY_RELU_SLOPE = 0.2


class GraphAttention(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.linear_layer = nn.Conv1d(in_features, 2, kernel_size=1, bias=False)
        self.leaky_relu = nn.LeakyReLU(LEAKY_RELU_SLOPE)
        self.softmax = nn.Softmax(dim=-1)


class GraphAttentionLayer(nn.Module):
    def __init__(self, n_heads, *, final=False):
        super().__init__()
        self.elu = nn.ELU()
        self.final = final
