import { fitPreprocessor, transform, UNSEEN_LABEL } from './preprocess';
import { toTable } from './table';

const train = toTable({
  age: ['10', '', '30', '40'],
  city: ['paris', 'rome', '', 'paris'],
  member: ['yes', 'no', '', 'yes'],
});
const columns = [
  { name: 'age', type: 'numeric' as const },
  { name: 'city', type: 'categorical' as const },
  { name: 'member', type: 'boolean' as const },
];

describe('preprocessing', () => {
  it('should impute the training median and most frequent values when cells are missing', () => {
    const pre = fitPreprocessor(train, columns, false);
    expect(pre.numeric.map((f) => f.impute)).toEqual([30, 1]);
    expect(pre.categorical[0]).toMatchObject({ categories: ['paris', 'rome'], impute: 'paris' });
    expect(pre.featureNames).toEqual(['age', 'member', 'city=paris', 'city=rome', `city=${UNSEEN_LABEL}`]);
    const x = transform(pre, train);
    const row = (i: number): number[] => Array.from({ length: x.cols }, (_, f) => x.data[f * x.rows + i]);
    expect(row(1)).toEqual([30, 0, 0, 1, 0]);
    expect(row(2)).toEqual([30, 1, 1, 0, 0]); // blank city -> most frequent (paris), blank member -> yes
  });

  it('should standardise with the training mean and population std when standardising', () => {
    const pre = fitPreprocessor(train, columns, true);
    const age = pre.numeric[0];
    // imputed training ages 10, 30, 30, 40: mean 27.5, std sqrt(118.75)
    expect(age.offset).toBeCloseTo(27.5, 5);
    expect(age.scale).toBeCloseTo(1 / Math.sqrt(118.75), 6);
    const x = transform(pre, toTable({ age: ['27.5'], city: ['rome'], member: ['no'] }));
    expect(x.data[0]).toBe(0);
  });

  it('should use the unseen bucket when a category was not in the training rows', () => {
    const pre = fitPreprocessor(train, columns, false);
    const x = transform(pre, toTable({ age: ['1'], city: ['oslo'], member: ['no'] }));
    expect(Array.from(x.data)).toEqual([1, 0, 0, 0, 1]);
  });

  it('should keep statistics from the training rows only when transforming other rows', () => {
    const pre = fitPreprocessor(train, columns, false);
    const x = transform(pre, toTable({ age: ['', '1000'], city: ['rome', 'rome'], member: ['', ''] }));
    expect(x.data[0]).toBe(30);
    expect(x.data[1]).toBe(1000);
  });

  it('should impute the mean of the two middle values when the count is even', () => {
    const pre = fitPreprocessor(toTable({ v: ['10', '1', '', '3', '2'] }), [{ name: 'v', type: 'numeric' }], false);
    expect(pre.numeric[0].impute).toBe(2.5);
  });

  it('should round every value to float32 as ONNX does when transforming', () => {
    const pre = fitPreprocessor(toTable({ v: ['0.1', '0.2', '0.3'] }), [{ name: 'v', type: 'numeric' }], false);
    const x = transform(pre, toTable({ v: ['0.1'] }));
    expect(x.data[0]).toBe(Math.fround(0.1));
  });

  it('should throw a typed error naming the column when a numeric cell is text at scoring time', () => {
    const pre = fitPreprocessor(train, columns, false);
    expect(() => transform(pre, toTable({ age: ['old'], city: ['rome'], member: ['no'] }))).toThrow(
      /column "age" row 1: "old" is not a number/,
    );
  });

  it('should throw MISSING_COLUMN when a feature column is absent at scoring time', () => {
    const pre = fitPreprocessor(train, columns, false);
    expect(() => transform(pre, toTable({ age: ['1'], member: ['no'] }))).toThrow(
      expect.objectContaining({ code: 'MISSING_COLUMN' }),
    );
  });
});
