/**
 * Names whose string value is a Hugging Face ACT2FN key: config keywords and attributes
 * (`hidden_act`, `hidden_activation`, `activation_function`, T5's `dense_act_fn` and
 * `feed_forward_proj`, `summary_activation`, `*_act`), in Python and in config.json alike.
 */
export const HF_KEYS =
  /^(hidden_act|hidden_activation|activation_function|projector_hidden_act|feed_forward_proj|act_fn|[a-z_]*_act|[a-z_]*_act_fn|[a-z_]*_activation)$/;

/** The mapping Hugging Face keys activations by (`ACT2FN = {"gelu_new": …}`, `ACT2CLS`). */
export const HF_MAPPING = /^ACT2(FN|CLS)$/;
