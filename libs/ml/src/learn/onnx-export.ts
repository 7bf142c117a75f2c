// The whole fitted pipeline as one ONNX graph with ONNX-ML operators: one input per raw feature column
// ([N,1], float or string), then the numeric block (Concat, and for imputing pipelines Imputer + Scaler)
// and per categorical column RegexFullMatch (the shared missing-value definition) + LabelEncoder (frequent
// categories, everything else -> the "other" bucket) + OneHotEncoder, with missing cells either imputed
// (Where before the encoder) or NaN across the block (Where after it) for the trees; Concat, then the
// classifier. Outputs `label` (int64 [N], 1 = positive class) and `probabilities` (float [N,2], positive
// class second).
import { MISSING_PATTERN } from '../core';
import type { GbdtModel } from './gbdt';
import type { LogisticModel } from './logistic';
import {
  attr,
  floatInitializer,
  int64Initializer,
  ML_DOMAIN,
  node,
  stringInitializer,
  valueInfo,
  type Attribute,
} from './onnx-graph';
import { DataType, encodeOnnxModel } from './onnx-proto';
import type { CategoricalFeature, FeatureColumn, Preprocessor } from './preprocess';
import type { Tree } from './tree';

export type Classifier =
  | { kind: 'lr'; model: LogisticModel; featureMeans: Float32Array }
  | { kind: 'rf'; trees: readonly Tree[] }
  | { kind: 'gbdt'; model: GbdtModel };

export interface OnnxExportInput {
  readonly columns: readonly FeatureColumn[];
  readonly preprocessor: Preprocessor;
  readonly classifier: Classifier;
  /** Stored as metadata_props, sorted by key so the bytes do not depend on insertion order. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly graphName: string;
}

export const ONNX_IR_VERSION = 9;
export const ONNX_OPSET = 20; // RegexFullMatch
export const ONNX_ML_OPSET = 3; // TreeEnsembleClassifier is deprecated from ai.onnx.ml 5

/** Node outputs and initializers the reader (onnx-import.ts) looks for. */
export const NAMES = {
  numericRaw: 'keel_numeric_raw',
  numericImputed: 'keel_numeric_imputed',
  numericScaled: 'keel_numeric_scaled',
  features: 'keel_features',
  catPrefix: (k: number) => `keel_cat${k}`,
} as const;

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
        [NAMES.numericRaw],
        [attr.int('axis', 1)],
      ),
    );
    let numeric: string = NAMES.numericRaw;
    if (pre.missing === 'impute') {
      const imputer = [
        attr.floats(
          'imputed_value_floats',
          pre.numeric.map((f) => f.impute),
        ),
        attr.float('replaced_value_float', NaN),
      ];
      nodes.push(node('Imputer', [numeric], [NAMES.numericImputed], imputer, ML_DOMAIN));
      numeric = NAMES.numericImputed;
    }
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
      nodes.push(node('Scaler', [numeric], [NAMES.numericScaled], scaler, ML_DOMAIN));
      numeric = NAMES.numericScaled;
    }
    blocks.push(numeric);
  }
  pre.categorical.forEach((feature, k) =>
    blocks.push(categoricalBlock(feature, k, pre.missing === 'impute', nodes, initializers)),
  );
  nodes.push(node('Concat', blocks, [NAMES.features], [attr.int('axis', 1)]));
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

/** A category string that is not a frequent training category, used for the "other" bucket. */
export function otherSentinelFor(categories: readonly string[]): string {
  let sentinel = '<other>';
  const taken = new Set(categories);
  while (taken.has(sentinel)) sentinel += '#';
  return sentinel;
}

function categoricalBlock(
  feature: CategoricalFeature,
  k: number,
  impute: boolean,
  nodes: Record<string, unknown>[],
  initializers: Record<string, unknown>[],
): string {
  const sentinel = otherSentinelFor(feature.categories);
  const cats = [...feature.categories];
  const prefix = NAMES.catPrefix(k);
  nodes.push(node('RegexFullMatch', [feature.name], [`${prefix}_missing`], [attr.string('pattern', MISSING_PATTERN)]));
  let encoderInput = feature.name;
  if (impute) {
    initializers.push(stringInitializer(`${prefix}_impute`, [feature.impute]));
    nodes.push(node('Where', [`${prefix}_missing`, `${prefix}_impute`, feature.name], [`${prefix}_filled`]));
    encoderInput = `${prefix}_filled`;
  }
  const encoder = [
    attr.strings('keys_strings', [...cats, sentinel]),
    attr.strings('values_strings', [...cats, sentinel]),
    attr.string('default_string', sentinel),
  ];
  nodes.push(node('LabelEncoder', [encoderInput], [`${prefix}_label`], encoder, ML_DOMAIN));
  const width = cats.length + 1;
  nodes.push(
    node(
      'OneHotEncoder',
      [`${prefix}_label`],
      [`${prefix}_onehot3d`],
      [attr.strings('cats_strings', [...cats, sentinel]), attr.int('zeros', 1)],
      ML_DOMAIN,
    ),
  );
  initializers.push(int64Initializer(`${prefix}_shape`, [-1, width]));
  nodes.push(node('Reshape', [`${prefix}_onehot3d`, `${prefix}_shape`], [`${prefix}_onehot`]));
  if (impute) return `${prefix}_onehot`;
  initializers.push(floatInitializer(`${prefix}_nan`, [NaN]));
  nodes.push(node('Where', [`${prefix}_missing`, `${prefix}_nan`, `${prefix}_onehot`], [`${prefix}_block`]));
  return `${prefix}_block`;
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
    missingYes: number[];
    cover: number[];
  } = { tree: [], id: [], feature: [], mode: [], value: [], yes: [], no: [], missingYes: [], cover: [] };
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
      n.missingYes.push(leaf ? 0 : t.missingLeft[j]);
      n.cover.push(t.cover[j]);
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
    attr.ints('nodes_missing_value_tracks_true', n.missingYes),
    // Training cover per node: onnxruntime ignores it; TreeSHAP reads it back (onnx-import.ts).
    attr.floats('nodes_hitrates', n.cover),
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
