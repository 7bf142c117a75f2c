// libs/ml learn: preprocessing, learners, metrics and ONNX export (issue 6). This is the public surface.
export { MlError, MlErrorCode } from './errors';
export type { Cell, ColumnValues, Table, TableInput } from './table';
export { toTable, selectRows } from './table';
export type { ColumnType } from './schema';
export { inferColumnType } from './schema';
export { encodeTarget, type EncodedTarget } from './target';
export { stratifiedSplit, stratifiedSplit3, type Split } from './split';
export {
  fitPreprocessor,
  transform,
  UNSEEN_LABEL,
  type FeatureColumn,
  type FeatureMatrix,
  type Preprocessor,
} from './preprocess';
export { computeMetrics, rocAuc, type ConfusionMatrix, type Metrics } from './metrics';
export { DEFAULT_LOGISTIC, fitLogistic, type LogisticModel, type LogisticParams } from './logistic';
export { DEFAULT_FOREST, type ForestParams } from './forest';
export { DEFAULT_GBDT, type GbdtParams } from './gbdt';
export { ALGOS, isAlgo, resolveParams, type Algo, type AnyParams } from './params';
export {
  fitPipeline,
  trainModel,
  type FitOptions,
  type FittedPipeline,
  type ModelCard,
  type TrainResult,
} from './pipeline';
export { decodeOnnxModel } from './onnx-proto';
export { ONNX_IR_VERSION, ONNX_ML_OPSET, ONNX_OPSET } from './onnx-export';
