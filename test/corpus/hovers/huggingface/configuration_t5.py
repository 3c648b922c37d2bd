# Condensed from huggingface/transformers src/transformers/models/t5/configuration_t5.py.
from ...configuration_utils import PretrainedConfig


class T5Config(PretrainedConfig):
    model_type = "t5"

    def __init__(
        self,
        d_model=512,
        d_ff=2048,
        dropout_rate=0.1,
        feed_forward_proj="relu",
        **kwargs,
    ):
        self.feed_forward_proj = feed_forward_proj
        act_info = self.feed_forward_proj.split("-")
        self.dense_act_fn = act_info[-1]
        if feed_forward_proj == "gated-gelu":
            self.dense_act_fn = "gelu_new"
        super().__init__(**kwargs)
