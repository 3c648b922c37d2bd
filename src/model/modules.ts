/**
 * What the model reader knows about PyTorch and Keras layers besides Linear/Dense, dropout and
 * activations (those come from the shared spelling table, src/kernel/spellings.ts): which leave
 * the width alone, which keep it but change the statistics, and Keras' initialiser names.
 *
 * Keys are the last component of the resolved dotted name (`torch.nn.BatchNorm1d` → `BatchNorm1d`),
 * so every import spelling of the same class lands on the same entry.
 */

/** Weight inits the gradient-flow simulation understands (names as in its options). */
export type InitName =
  | 'pytorch_default'
  | 'xavier_uniform'
  | 'xavier_normal'
  | 'he_uniform'
  | 'he_normal'
  | 'lecun_uniform'
  | 'lecun_normal'
  | 'orthogonal';

/** Layers that leave the width and the statistics alone (for this check). */
export const NEUTRAL = new Set(['Flatten', 'Identity', 'Unflatten', 'Reshape', 'InputLayer']);

/**
 * Layers that keep the width but change the statistics; the check runs without them and says so.
 */
export const SHAPE_KEEPING = new Set([
  'BatchNorm1d',
  'BatchNorm2d',
  'BatchNorm3d',
  'LayerNorm',
  'GroupNorm',
  'InstanceNorm1d',
  'RMSNorm',
  'LocalResponseNorm',
  'BatchNormalization',
  'LayerNormalization',
  'GroupNormalization',
  'UnitNormalization',
  'Normalization',
  'Softmax',
  'LogSoftmax',
  'Softmin',
  'GaussianNoise',
  'GaussianDropout',
  'Dropout1d',
  'Dropout2d',
  'Dropout3d',
  'FeatureAlphaDropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'Threshold',
  'GLU',
  'ActivityRegularization',
]);

/** Keras `kernel_initializer` spellings → simulation init (string form and class form). */
export const KERAS_INITS: Readonly<Record<string, InitName>> = {
  glorot_uniform: 'xavier_uniform',
  GlorotUniform: 'xavier_uniform',
  glorot_normal: 'xavier_normal',
  GlorotNormal: 'xavier_normal',
  he_uniform: 'he_uniform',
  HeUniform: 'he_uniform',
  he_normal: 'he_normal',
  HeNormal: 'he_normal',
  lecun_uniform: 'lecun_uniform',
  LecunUniform: 'lecun_uniform',
  lecun_normal: 'lecun_normal',
  LecunNormal: 'lecun_normal',
  orthogonal: 'orthogonal',
  Orthogonal: 'orthogonal',
};
