// The whole fitted pipeline as one ONNX graph with ONNX-ML operators: one input per raw feature column
// ([N,1], float or string), Imputer + Scaler on the numeric block, LabelEncoder (missing -> most frequent,
// unseen -> bucket) + OneHotEncoder per categorical column, Concat, then the classifier. Outputs `label`
// (int64 [N], 1 = positive class) and `probabilities` (float [N,2], positive class second).
import type { GbdtModel } from './gbdt';
import type { LogisticModel } from './logistic';
import { attr, int64Initializer, ML_DOMAIN, node, valueInfo, type Attribute } from './onnx-graph';
import { DataType, encodeOnnxModel } from './onnx-proto';
import type { CategoricalFeature, FeatureColumn, Preprocessor } from './preprocess';
import type { Tree } from './tree';

export type Classifier =
  { kind: 'lr'; model: LogisticModel } | { kind: 'rf'; trees: readonly Tree[] } | { kind: 'gbdt'; model: GbdtModel };

export interface OnnxExportInput {
  readonly columns: readonly FeatureColumn[];
  readonly preprocessor: Preprocessor;
  readonly classifier: Classifier;
  /** Stored as metadata_props, sorted by key so the bytes do not depend on insertion order. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly graphName: string;
}

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3; // TreeEnsembleClassifier is deprecated from ai.onnx.ml 5

export function exportOnnx(input: OnnxExportInput): Uint8Array {
  const { preprocessor: pre, classifier } = input;
  const nodes: Record<string, unknown>[] = [];
  const initializers: Record<string, unknown>[] = [];
  const blocks: string[] = [];
  if (pre.numeric.length > 0) {
    nodes.push(
      node(
        'Concat',
        pre.numeric.map((f) => f.name),
        ['keel_numeric_raw'],
        [attr.int('axis', 1)],
      ),
    );
    const imputer = [
      attr.floats(
        'imputed_value_floats',
        pre.numeric.map((f) => f.impute),
      ),
      attr.float('replaced_value_float', NaN),
    ];
    nodes.push(node('Imputer', ['keel_numeric_raw'], ['keel_numeric_imputed'], imputer, ML_DOMAIN));
    let numeric = 'keel_numeric_imputed';
    if (pre.standardise) {
      const scaler = [
        attr.floats(
          'offset',
          pre.numeric.map((f) => f.offset),
        ),
        attr.floats(
          'scale',
          pre.numeric.map((f) => f.scale),
        ),
      ];
      nodes.push(node('Scaler', [numeric], ['keel_numeric_scaled'], scaler, ML_DOMAIN));
      numeric = 'keel_numeric_scaled';
    }
    blocks.push(numeric);
  }
  pre.categorical.forEach((feature, k) => blocks.push(categoricalBlock(feature, k, nodes, initializers)));
  nodes.push(node('Concat', blocks, ['keel_features'], [attr.int('axis', 1)]));
  nodes.push(classifierNode(classifier, pre.featureNames.length));

  const inputs = input.columns.map((c) =>
    valueInfo(c.name, c.type === 'categorical' ? DataType.String : DataType.Float, ['N', 1]),
  );
  const outputs = [valueInfo('label', DataType.Int64, ['N']), valueInfo('probabilities', DataType.Float, ['N', 2])];
  const metadataProps = Object.keys(input.metadata)
    .sort()
    .map((key) => ({ key, value: input.metadata[key] }));
  return encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    producerName: 'keel',
    producerVersion: '1',
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      { domain: ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    graph: { name: input.graphName, node: nodes, initializer: initializers, input: inputs, output: outputs },
    metadataProps,
  });
}

/** A category string that is not a training category, used for the unseen bucket. */
export function unseenSentinel(feature: CategoricalFeature): string {
  let sentinel = '<unseen>';
  const taken = new Set(feature.categories);
  while (taken.has(sentinel)) sentinel += '#';
  return sentinel;
}

function categoricalBlock(
  feature: CategoricalFeature,
  k: number,
  nodes: Record<string, unknown>[],
  initializers: Record<string, unknown>[],
): string {
  const sentinel = unseenSentinel(feature);
  const cats = [...feature.categories];
  const prefix = `keel_cat${k}`;
  const encoder = [
    attr.strings('keys_strings', [...cats, '']),
    attr.strings('values_strings', [...cats, feature.impute]),
    attr.string('default_string', sentinel),
  ];
  nodes.push(node('LabelEncoder', [feature.name], [`${prefix}_filled`], encoder, ML_DOMAIN));
  const width = cats.length + 1;
  nodes.push(
    node(
      'OneHotEncoder',
      [`${prefix}_filled`],
      [`${prefix}_onehot3d`],
      [attr.strings('cats_strings', [...cats, sentinel]), attr.int('zeros', 1)],
      ML_DOMAIN,
    ),
  );
  initializers.push(int64Initializer(`${prefix}_shape`, [-1, width]));
  nodes.push(node('Reshape', [`${prefix}_onehot3d`, `${prefix}_shape`], [`${prefix}_onehot`]));
  return `${prefix}_onehot`;
}

function classifierNode(classifier: Classifier, features: number): Record<string, unknown> {
  const outputs = ['label', 'probabilities'];
  switch (classifier.kind) {
    case 'lr': {
      const { coefficients, intercept } = classifier.model;
      if (coefficients.length !== features)
        throw new Error(`linear model has ${coefficients.length} coefficients for ${features} features`);
      const attrs = [
        attr.floats('coefficients', coefficients),
        attr.floats('intercepts', [intercept]),
        attr.ints('classlabels_ints', [0, 1]),
        attr.string('post_transform', 'LOGISTIC'),
        attr.int('multi_class', 0),
      ];
      return node('LinearClassifier', ['keel_features'], outputs, attrs, ML_DOMAIN);
    }
    case 'rf':
      // One class id with P(positive)/nTrees leaf weights, all >= 0, and NONE: ORT outputs [1 - p, p]
      // and label p > 0.5. Zero-weight leaves are left out (they add nothing).
      return node(
        'TreeEnsembleClassifier',
        ['keel_features'],
        outputs,
        treeAttributes(classifier.trees, 'NONE', null, true),
        ML_DOMAIN,
      );
    case 'gbdt':
      return node(
        'TreeEnsembleClassifier',
        ['keel_features'],
        outputs,
        treeAttributes(classifier.model.trees, 'LOGISTIC', classifier.model.base, false),
        ML_DOMAIN,
      );
  }
}

function treeAttributes(
  trees: readonly Tree[],
  postTransform: string,
  base: number | null,
  skipZeroLeaves: boolean,
): Attribute[] {
  const n: {
    tree: number[];
    id: number[];
    feature: number[];
    mode: string[];
    value: number[];
    yes: number[];
    no: number[];
  } = {
    tree: [],
    id: [],
    feature: [],
    mode: [],
    value: [],
    yes: [],
    no: [],
  };
  const c: { tree: number[]; id: number[]; weight: number[] } = { tree: [], id: [], weight: [] };
  trees.forEach((t, ti) => {
    for (let j = 0; j < t.feature.length; j++) {
      const leaf = t.feature[j] < 0;
      n.tree.push(ti);
      n.id.push(j);
      n.feature.push(leaf ? 0 : t.feature[j]);
      n.mode.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      n.value.push(leaf ? 0 : t.threshold[j]);
      n.yes.push(leaf ? 0 : t.left[j]);
      n.no.push(leaf ? 0 : t.right[j]);
      if (leaf && !(skipZeroLeaves && t.value[j] === 0)) {
        c.tree.push(ti);
        c.id.push(j);
        c.weight.push(t.value[j]);
      }
    }
  });
  const attrs = [
    attr.ints('nodes_treeids', n.tree),
    attr.ints('nodes_nodeids', n.id),
    attr.ints('nodes_featureids', n.feature),
    attr.strings('nodes_modes', n.mode),
    attr.floats('nodes_values', n.value),
    attr.ints('nodes_truenodeids', n.yes),
    attr.ints('nodes_falsenodeids', n.no),
    attr.ints('class_treeids', c.tree),
    attr.ints('class_nodeids', c.id),
    attr.ints('class_ids', new Array<number>(c.tree.length).fill(0)),
    attr.floats('class_weights', c.weight),
    attr.ints('classlabels_int64s', [0, 1]),
    attr.string('post_transform', postTransform),
  ];
  if (base !== null) attrs.push(attr.floats('base_values', [base]));
  return attrs;
}
