// Per-row explanations over the ORIGINAL input columns: exact TreeSHAP for the forest and boosting models,
// coefficient x (encoded value - its training mean) for logistic regression (the exact SHAP values of a
// linear model with independent features; for a standardised numeric feature that is the coefficient
// times the standardised value). Encoded features (one-hot blocks) are summed back into their column, so
// for every row: expectedValue + sum of its attributions = the raw model output.
import type { FittedPipeline } from './fitted-pipeline';
import { featureSources, transform } from './preprocess';
import type { Table } from './table';
import { type Tree, sumTrees } from './tree';
import { TreeShapScratch, treeDepth, treeExpectedValue, treeShap } from './tree-shap';
import { logisticMargin } from './logistic';

export interface Explanation {
  /** The input columns, in the model's input order. */
  readonly columns: readonly string[];
  readonly rows: number;
  /** values[i * columns.length + c] is the attribution of column c in row i, in the raw output's units. */
  readonly values: Float64Array;
  /** The raw output for an average training row. */
  readonly expectedValue: number;
  /** Units of the raw output: the log-odds margin (lr, gbdt) or P(positive) (rf). */
  readonly output: 'log_odds' | 'probability';
  /** The raw model output per row (what the attributions add up to, from expectedValue). */
  readonly raw: Float64Array;
}

export function explainPipeline(pipeline: FittedPipeline, table: Table): Explanation {
  const { card, preprocessor, classifier } = pipeline;
  const columns = card.features.map((f) => f.name);
  const columnIndex = new Map(columns.map((name, c) => [name, c]));
  const source = Int32Array.from(featureSources(preprocessor), (name) => columnIndex.get(name)!);
  const x = transform(preprocessor, table);
  const { rows, cols, data } = x;
  const C = columns.length;
  const values = new Float64Array(rows * C);
  const phi = new Float64Array(cols);
  const addRow = (i: number): void => {
    for (let f = 0; f < cols; f++) values[i * C + source[f]] += phi[f];
  };
  if (classifier.kind === 'lr') {
    const { coefficients, intercept } = classifier.model;
    const means = classifier.featureMeans;
    let expectedValue = intercept;
    for (let f = 0; f < cols; f++) expectedValue += coefficients[f] * means[f];
    for (let i = 0; i < rows; i++) {
      for (let f = 0; f < cols; f++) phi[f] = coefficients[f] * (data[f * rows + i] - means[f]);
      addRow(i);
    }
    return { columns, rows, values, expectedValue, output: 'log_odds', raw: logisticMargin(classifier.model, x) };
  }
  const trees: readonly Tree[] = classifier.kind === 'rf' ? classifier.trees : classifier.model.trees;
  const base = classifier.kind === 'rf' ? 0 : classifier.model.base;
  let expectedValue = base;
  for (const tree of trees) expectedValue += treeExpectedValue(tree);
  const scratch = new TreeShapScratch(Math.max(0, ...trees.map(treeDepth)));
  const xi = new Float64Array(cols);
  for (let row = 0; row < rows; row++) {
    for (let f = 0; f < cols; f++) xi[f] = data[f * rows + row];
    phi.fill(0);
    for (const tree of trees) treeShap(tree, xi, phi, scratch);
    addRow(row);
  }
  return {
    columns,
    rows,
    values,
    expectedValue,
    output: classifier.kind === 'rf' ? 'probability' : 'log_odds',
    raw: sumTrees(trees, x, base),
  };
}
