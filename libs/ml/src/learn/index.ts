// libs/ml learn: preprocessing, learners, metrics, ONNX export and import, explanations, importances,
// model cards and hyperparameter search. This is the public surface.
export { MlError, MlErrorCode } from './errors';
export type { Cell, ColumnValues, Table, TableInput } from './table';
export { concatRows, toTable, selectRows } from './table';
export type { ColumnType } from './schema';
export { inferColumnType } from './schema';
export { encodeTarget, type EncodedTarget } from './target';
export { stratifiedSplit, stratifiedSplit3, type Split } from './split';
export {
  featureSources,
  fitPreprocessor,
  transform,
  OTHER_LABEL,
  type EncodingOptions,
  type FeatureColumn,
  type FeatureMatrix,
  type MissingMode,
  type PreprocessOptions,
  type Preprocessor,
} from './preprocess';
export { computeMetrics, rocAuc, type ConfusionMatrix, type Metrics } from './metrics';
export {
  DEFAULT_LOGISTIC,
  fitLogistic,
  type LogisticModel,
  type LogisticParams,
  type LogisticSolver,
} from './logistic';
export { DEFAULT_FOREST, type ForestParams } from './forest';
export { DEFAULT_GBDT, type GbdtParams } from './gbdt';
export { ALGOS, isAlgo, resolveParams, type Algo, type AnyParams } from './params';
export { fitPipeline, type FitOptions, type FitProgress } from './pipeline';
export type { FittedPipeline, ModelCard } from './fitted-pipeline';
export {
  refitOptions,
  trainModel,
  validateAndRefit,
  type TrainOptions,
  type TrainResult,
  type TrainStage,
} from './train';
export type { Explanation } from './explain';
export type { Tree } from './tree';
export { treeShap, treeExpectedValue, TreeShapScratch } from './tree-shap';
export { decodeOnnxModel } from './onnx-proto';
export { loadPipeline } from './onnx-import';
export { ONNX_IR_VERSION, ONNX_ML_OPSET, ONNX_OPSET } from './onnx-export';
export {
  modelImportances,
  permutationImportance,
  type Importance,
  type ModelImportances,
  type PermutationImportance,
  type PermutationImportances,
  type PermutationMetric,
  type PermutationOptions,
} from './importance';
export {
  buildModelCard,
  MODEL_CARD_SCHEMA,
  summarizeData,
  type CategoricalSummary,
  type DataSummary,
  type ModelCardDocument,
  type ModelCardInput,
  type NumericSummary,
} from './model-card';
export {
  bestTrial,
  MAX_GRID,
  planSearch,
  type Distribution,
  type ParamValue,
  type SearchPlan,
  type SearchSpace,
  type Trial,
  type TrialResult,
} from './search';
export { SuccessiveHalving, type HalvingOptions, type HalvingResult, type Rung, type RungTrial } from './halving';
