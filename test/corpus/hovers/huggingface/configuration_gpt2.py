# Condensed from huggingface/transformers src/transformers/models/gpt2/configuration_gpt2.py.
from ...configuration_utils import PretrainedConfig


class GPT2Config(PretrainedConfig):
    model_type = "gpt2"

    def __init__(
        self,
        vocab_size=50257,
        n_embd=768,
        n_inner=None,
        activation_function="gelu_new",
        resid_pdrop=0.1,
        summary_activation=None,
        **kwargs,
    ):
        self.vocab_size = vocab_size
        self.activation_function = activation_function
        super().__init__(**kwargs)
