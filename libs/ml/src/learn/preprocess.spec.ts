import { fitPreprocessor, type PreprocessOptions, transform, OTHER_LABEL } from './preprocess';
import { toTable } from './table';

const train = toTable({
  age: ['10', '', '30', '40'],
  city: ['paris', 'rome', '', 'paris'],
  member: ['yes', 'no', '', 'yes'],
});
const impute: PreprocessOptions = { standardise: false, missing: 'impute' };
const standardise: PreprocessOptions = { standardise: true, missing: 'impute' };
const columns = [
  { name: 'age', type: 'numeric' as const },
  { name: 'city', type: 'categorical' as const },
  { name: 'member', type: 'boolean' as const },
];

describe('preprocessing', () => {
  it('should impute the training median and most frequent values when cells are missing', () => {
    const pre = fitPreprocessor(train, columns, impute);
    expect(pre.numeric.map((f) => f.impute)).toEqual([30, 1]);
    expect(pre.categorical[0]).toMatchObject({ categories: ['paris', 'rome'], impute: 'paris' });
    expect(pre.featureNames).toEqual(['age', 'member', 'city=paris', 'city=rome', `city=${OTHER_LABEL}`]);
    const x = transform(pre, train);
    const row = (i: number): number[] => Array.from({ length: x.cols }, (_, f) => x.data[f * x.rows + i]);
    expect(row(1)).toEqual([30, 0, 0, 1, 0]);
    expect(row(2)).toEqual([30, 1, 1, 0, 0]); // blank city -> most frequent (paris), blank member -> yes
  });

  it('should standardise with the training mean and population std when standardising', () => {
    const pre = fitPreprocessor(train, columns, standardise);
    const age = pre.numeric[0];
    // imputed training ages 10, 30, 30, 40: mean 27.5, std sqrt(118.75)
    expect(age.offset).toBeCloseTo(27.5, 5);
    expect(age.scale).toBeCloseTo(1 / Math.sqrt(118.75), 6);
    const x = transform(pre, toTable({ age: ['27.5'], city: ['rome'], member: ['no'] }));
    expect(x.data[0]).toBe(0);
  });

  it('should use the other bucket when a category was not in the training rows', () => {
    const pre = fitPreprocessor(train, columns, impute);
    const x = transform(pre, toTable({ age: ['1'], city: ['oslo'], member: ['no'] }));
    expect(Array.from(x.data)).toEqual([1, 0, 0, 0, 1]);
  });

  it('should keep statistics from the training rows only when transforming other rows', () => {
    const pre = fitPreprocessor(train, columns, impute);
    const x = transform(pre, toTable({ age: ['', '1000'], city: ['rome', 'rome'], member: ['', ''] }));
    expect(x.data[0]).toBe(30);
    expect(x.data[1]).toBe(1000);
  });

  it('should impute the mean of the two middle values when the count is even', () => {
    const pre = fitPreprocessor(toTable({ v: ['10', '1', '', '3', '2'] }), [{ name: 'v', type: 'numeric' }], impute);
    expect(pre.numeric[0].impute).toBe(2.5);
  });

  it('should round every value to float32 as ONNX does when transforming', () => {
    const pre = fitPreprocessor(toTable({ v: ['0.1', '0.2', '0.3'] }), [{ name: 'v', type: 'numeric' }], impute);
    const x = transform(pre, toTable({ v: ['0.1'] }));
    expect(x.data[0]).toBe(Math.fround(0.1));
  });

  it('should throw a typed error naming the column when a numeric cell is text at scoring time', () => {
    const pre = fitPreprocessor(train, columns, impute);
    expect(() => transform(pre, toTable({ age: ['old'], city: ['rome'], member: ['no'] }))).toThrow(
      /column "age" row 1: "old" is not a number/,
    );
  });

  it('should throw MISSING_COLUMN when a feature column is absent at scoring time', () => {
    const pre = fitPreprocessor(train, columns, impute);
    expect(() => transform(pre, toTable({ age: ['1'], member: ['no'] }))).toThrow(
      expect.objectContaining({ code: 'MISSING_COLUMN' }),
    );
  });
});

describe('infrequent categories', () => {
  // a x5, b x3, c x2, d x1, e x1 (12 rows) and one missing cell
  const cells = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd', 'e', ''];
  const table = toTable({ city: cells });
  const city = [{ name: 'city', type: 'categorical' as const }];
  const fit = (encoding: { minFrequency?: number; maxCategories?: number }) =>
    fitPreprocessor(table, city, { ...impute, encoding }).categorical[0];

  it('should keep every category when no grouping is asked for', () => {
    expect(fit({})).toMatchObject({ categories: ['a', 'b', 'c', 'd', 'e'], infrequent: 0 });
  });

  it('should group categories seen fewer than minFrequency times when given a count', () => {
    expect(fit({ minFrequency: 3 })).toMatchObject({ categories: ['a', 'b'], infrequent: 3 });
  });

  it('should read minFrequency below 1 as a share of the rows when given a fraction', () => {
    // 0.15 x 13 rows = 1.95: categories seen at least twice stay
    expect(fit({ minFrequency: 0.15 })).toMatchObject({ categories: ['a', 'b', 'c'], infrequent: 2 });
  });

  it('should keep the maxCategories - 1 most frequent, ties to the earlier category, when capped', () => {
    expect(fit({ maxCategories: 3 }).categories).toEqual(['a', 'b']);
    expect(fit({ maxCategories: 5 }).categories).toEqual(['a', 'b', 'c', 'd']);
  });

  it('should send infrequent and unseen categories to the one "other" column when transforming', () => {
    const pre = fitPreprocessor(table, city, { ...impute, encoding: { maxCategories: 3 } });
    expect(pre.featureNames).toEqual(['city=a', 'city=b', `city=${OTHER_LABEL}`]);
    const x = transform(pre, toTable({ city: ['a', 'd', 'never-seen', ''] }));
    const row = (i: number): number[] => [0, 1, 2].map((f) => x.data[f * 4 + i]);
    expect([row(0), row(1), row(2), row(3)]).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
      [1, 0, 0], // missing -> most frequent (a)
    ]);
  });

  it('should list every bad grouping option in one INVALID_PARAMS error', () => {
    expect(() => fit({ minFrequency: 0, maxCategories: 1 })).toThrow(
      /minFrequency must be an integer >= 1 or a fraction in \(0, 1\), got 0; maxCategories must be an integer >= 2, got 1/,
    );
    expect(() => fit({ minFrequency: 2.5 })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });
});

describe('native missing values', () => {
  const native: PreprocessOptions = { standardise: false, missing: 'native' };

  it('should keep missing numeric and boolean cells as NaN and fill a missing category block with NaN', () => {
    const pre = fitPreprocessor(train, columns, native);
    expect(pre.numeric.map((f) => f.impute)).toEqual([NaN, NaN]);
    const x = transform(pre, train);
    const row = (i: number): number[] => Array.from({ length: x.cols }, (_, f) => x.data[f * x.rows + i]);
    expect(row(1)).toEqual([NaN, 0, 0, 1, 0]);
    expect(row(2)).toEqual([30, NaN, NaN, NaN, NaN]);
  });

  it('should refuse to standardise without imputing when asked for both', () => {
    expect(() => fitPreprocessor(train, columns, { standardise: true, missing: 'native' })).toThrow(
      /standardised features need imputed missing values/,
    );
  });
});
