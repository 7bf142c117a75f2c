import { parseTrainFlags, type TrainFlags } from './train-options';

const base: TrainFlags = {
  data: 'd.csv',
  target: 'Churn',
  algo: 'gbdt',
  seed: '42',
  out: 'm.onnx',
  validationFraction: '0.2',
  refit: true,
};

describe('parseTrainFlags', () => {
  it('should turn flags into typed options when they are valid', () => {
    expect(
      parseTrainFlags({
        ...base,
        idColumn: 'id',
        positive: 'Yes',
        params: '{"maxIter":50}',
        columnTypes: '{"CityTier":"categorical"}',
      }),
    ).toEqual({
      data: 'd.csv',
      out: 'm.onnx',
      target: 'Churn',
      idColumn: 'id',
      positive: 'Yes',
      algo: 'gbdt',
      seed: 42,
      params: { maxIter: 50 },
      columnTypes: { CityTier: 'categorical' },
      validationFraction: 0.2,
      refit: true,
    });
  });

  it('should carry --no-refit, the category grouping and the card path when given', () => {
    expect(
      parseTrainFlags({ ...base, refit: false, minFrequency: '0.01', maxCategories: '20', card: 'card.json' }),
    ).toMatchObject({ refit: false, minFrequency: 0.01, maxCategories: 20, card: 'card.json' });
  });

  it.each([
    [{ algo: 'xgb' }, /--algo must be one of lr, rf, gbdt, got "xgb"/],
    [{ seed: '1.5' }, /--seed must be an integer/],
    [{ seed: '-1' }, /--seed must be an integer/],
    [{ validationFraction: '1' }, /--validation-fraction must be a number in \(0, 1\)/],
    [{ params: '[1]' }, /--params must be a JSON object/],
    [{ params: '{bad' }, /--params must be a JSON object/],
    [{ columnTypes: '{"a":"text"}' }, /--column-types: "a" must be numeric, categorical or boolean/],
    [{ minFrequency: '0' }, /--min-frequency must be an integer >= 1 or a fraction in \(0, 1\), got "0"/],
    [{ minFrequency: 'often' }, /--min-frequency must be a number, got "often"/],
    [{ maxCategories: '1' }, /--max-categories must be an integer >= 2, got "1"/],
  ])('should reject %j with a clear message', (override, message) => {
    expect(() => parseTrainFlags({ ...base, ...override })).toThrow(message);
  });
});
