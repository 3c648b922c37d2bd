# Condensed from huggingface/transformers models/llama/configuration_llama.py and
# models/bert/configuration_bert.py and models/vit/configuration_vit.py.
from ...configuration_utils import PretrainedConfig


class LlamaConfig(PretrainedConfig):
    def __init__(self, hidden_size=4096, intermediate_size=11008, hidden_act="silu", **kwargs):
        self.hidden_act = hidden_act
        super().__init__(**kwargs)


class BertConfig(PretrainedConfig):
    def __init__(self, hidden_size=768, hidden_act="gelu", hidden_dropout_prob=0.1, **kwargs):
        self.hidden_act = hidden_act
        super().__init__(**kwargs)


class ViTConfig(PretrainedConfig):
    def __init__(self, hidden_size=768, hidden_act: str = "gelu", **kwargs):
        self.hidden_act = hidden_act
        super().__init__(**kwargs)


class Gemma2Config(PretrainedConfig):
    def __init__(self, hidden_activation="gelu_pytorch_tanh", **kwargs):
        self.hidden_activation = hidden_activation
        super().__init__(**kwargs)
