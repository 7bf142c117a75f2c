// Reads a Keel-exported ONNX model back into a FittedPipeline (for scoring and explaining where only the
// artifact is at hand, e.g. the inference service): the model card from the metadata, the preprocessor
// from the Imputer / Scaler / LabelEncoder nodes, the classifier from LinearClassifier or the tree
// ensemble (covers from nodes_hitrates). Re-exporting the result gives the same bytes.
import { MlError, MlErrorCode } from './errors';
import { type FittedPipeline, type ModelCard, Pipeline } from './fitted-pipeline';
import { type Classifier, NAMES, otherSentinelFor } from './onnx-export';
import { decodeOnnxModelBytes } from './onnx-proto';
import { type CategoricalFeature, makePreprocessor, type NumericFeature } from './preprocess';
import type { Tree } from './tree';

type Attr = {
  name: string;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
};
type OnnxNode = { opType: string; input?: string[]; output?: string[]; attribute?: Attr[] };
type Initializer = { name: string; stringData?: Uint8Array[] };

const utf8 = new TextDecoder();

export function loadPipeline(bytes: Uint8Array): FittedPipeline {
  let model: Record<string, unknown>;
  try {
    model = decodeOnnxModelBytes(bytes);
  } catch (err) {
    throw invalid(`not an ONNX model (${err instanceof Error ? err.message : String(err)})`);
  }
  const metadata = new Map(
    ((model.metadataProps ?? []) as { key: string; value: string }[]).map((e) => [e.key, e.value]),
  );
  const cardJson = metadata.get('keel.model_card');
  if (model.producerName !== 'keel' || cardJson === undefined) throw invalid('not a Keel model (no keel.model_card)');
  const card = JSON.parse(cardJson) as ModelCard;
  const graph = (model.graph ?? {}) as { node?: OnnxNode[]; initializer?: Initializer[] };
  const nodes = new Map((graph.node ?? []).map((n) => [n.output?.[0] ?? '', n]));
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name, t]));

  const numericColumns = card.features.filter((f) => f.type !== 'categorical');
  const imputer = nodes.get(NAMES.numericImputed);
  const scaler = nodes.get(NAMES.numericScaled);
  const numeric: NumericFeature[] = numericColumns.map((f, j) => ({
    name: f.name,
    type: f.type as 'numeric' | 'boolean',
    impute: imputer ? floats(imputer, 'imputed_value_floats')[j] : NaN,
    offset: scaler ? floats(scaler, 'offset')[j] : 0,
    scale: scaler ? floats(scaler, 'scale')[j] : 1,
  }));
  const categorical: CategoricalFeature[] = card.features
    .filter((f) => f.type === 'categorical')
    .map((f, k) => {
      const prefix = NAMES.catPrefix(k);
      const encoder = required(nodes, `${prefix}_label`);
      const keys = strings(encoder, 'keys_strings');
      const categories = keys.slice(0, -1);
      if (keys.at(-1) !== otherSentinelFor(categories))
        throw invalid(`categorical column "${f.name}" has an unexpected encoder`);
      const imputed = initializers.get(`${prefix}_impute`)?.stringData?.[0];
      return {
        name: f.name,
        type: 'categorical',
        categories,
        impute: imputed === undefined ? '' : utf8.decode(imputed),
        infrequent: 0, // not recorded in the graph; scoring does not need it
      };
    });
  const preprocessor = makePreprocessor(numeric, categorical, scaler !== undefined, imputer ? 'impute' : 'native');
  const head = required(nodes, 'label');
  return new Pipeline(card, preprocessor, classifierOf(card, head, metadata));
}

function classifierOf(card: ModelCard, head: OnnxNode, metadata: Map<string, string>): Classifier {
  if (head.opType === 'LinearClassifier') {
    const means = metadata.get('keel.feature_means');
    if (means === undefined) throw invalid('logistic model without keel.feature_means');
    return {
      kind: 'lr',
      model: {
        coefficients: Float32Array.from(floats(head, 'coefficients')),
        intercept: floats(head, 'intercepts')[0],
        iterations: card.iterations,
        solver: card.solver ?? 'newton',
      },
      featureMeans: Float32Array.from(JSON.parse(means) as number[]),
    };
  }
  if (head.opType !== 'TreeEnsembleClassifier') throw invalid(`unexpected classifier ${head.opType}`);
  const trees = treesOf(head);
  if (card.algo === 'rf') return { kind: 'rf', trees };
  return { kind: 'gbdt', model: { trees, base: floats(head, 'base_values')[0], validationLoss: [] } };
}

function treesOf(head: OnnxNode): Tree[] {
  const treeIds = ints(head, 'nodes_treeids');
  const nodeIds = ints(head, 'nodes_nodeids');
  const featureIds = ints(head, 'nodes_featureids');
  const modes = strings(head, 'nodes_modes');
  const values = floats(head, 'nodes_values');
  const yes = ints(head, 'nodes_truenodeids');
  const no = ints(head, 'nodes_falsenodeids');
  const missing = ints(head, 'nodes_missing_value_tracks_true');
  const cover = floats(head, 'nodes_hitrates');
  const sizes: number[] = [];
  for (let k = 0; k < treeIds.length; k++) sizes[treeIds[k]] = Math.max(sizes[treeIds[k]] ?? 0, nodeIds[k] + 1);
  const trees = sizes.map((n) => ({
    feature: new Int32Array(n).fill(-1),
    threshold: new Float32Array(n),
    thresholdBin: new Int32Array(n),
    left: new Int32Array(n).fill(-1),
    right: new Int32Array(n).fill(-1),
    missingLeft: new Uint8Array(n),
    value: new Float32Array(n),
    cover: new Float32Array(n),
    gain: new Float64Array(n), // not in the graph: gain importances need the fitted model
  }));
  for (let k = 0; k < treeIds.length; k++) {
    const t = trees[treeIds[k]];
    const j = nodeIds[k];
    t.cover[j] = cover[k];
    if (modes[k] === 'LEAF') continue;
    if (modes[k] !== 'BRANCH_LEQ') throw invalid(`unexpected tree node mode ${modes[k]}`);
    t.feature[j] = featureIds[k];
    t.threshold[j] = values[k];
    t.left[j] = yes[k];
    t.right[j] = no[k];
    t.missingLeft[j] = missing[k];
  }
  const classTrees = ints(head, 'class_treeids');
  const classNodes = ints(head, 'class_nodeids');
  const weights = floats(head, 'class_weights');
  for (let k = 0; k < classTrees.length; k++) trees[classTrees[k]].value[classNodes[k]] = weights[k];
  return trees;
}

function required(nodes: Map<string, OnnxNode>, output: string): OnnxNode {
  const found = nodes.get(output);
  if (found === undefined) throw invalid(`no node writes "${output}"`);
  return found;
}

function attribute(node: OnnxNode, name: string): Attr {
  const found = node.attribute?.find((a) => a.name === name);
  if (found === undefined) throw invalid(`${node.opType} has no attribute ${name}`);
  return found;
}

const floats = (node: OnnxNode, name: string): number[] => attribute(node, name).floats ?? [];
const ints = (node: OnnxNode, name: string): number[] => attribute(node, name).ints ?? [];
const strings = (node: OnnxNode, name: string): string[] =>
  (attribute(node, name).strings ?? []).map((s) => utf8.decode(s));

function invalid(message: string): MlError {
  return new MlError(MlErrorCode.InvalidModel, message);
}
