import { MlErrorCode } from './errors';
import { encodeTarget } from './target';

describe('encodeTarget', () => {
  it.each([
    [['0', '1', '1'], '1', [0, 1, 1]],
    [['No', 'Yes', 'No'], 'Yes', [0, 1, 0]],
    [['false', 'TRUE'], 'TRUE', [0, 1]],
  ] as const)('should pick 1/true/yes as positive when no positive is given (%j)', (values, positive, labels) => {
    const target = encodeTarget('t', values);
    expect(target.positive).toBe(positive);
    expect(Array.from(target.labels)).toEqual(labels);
  });

  it('should use the given positive class when --positive is passed', () => {
    const target = encodeTarget('t', ['churned', 'stayed', 'churned'], 'churned');
    expect(target).toMatchObject({ positive: 'churned', negative: 'stayed' });
    expect(Array.from(target.labels)).toEqual([1, 0, 1]);
  });

  it('should throw AMBIGUOUS_POSITIVE when neither class is spelled 1, true or yes', () => {
    expect(() => encodeTarget('t', ['a', 'b'])).toThrow(
      expect.objectContaining({ code: MlErrorCode.AmbiguousPositive }),
    );
  });

  it('should throw SINGLE_CLASS when the target has one class', () => {
    expect(() => encodeTarget('t', ['1', '1'])).toThrow(expect.objectContaining({ code: MlErrorCode.SingleClass }));
  });

  it('should throw TOO_MANY_CLASSES with the classes named when there are three', () => {
    expect(() => encodeTarget('t', ['a', 'b', 'c'])).toThrow(/3 classes \(a, b, c\)/);
    expect(() => encodeTarget('t', ['a', 'b', 'c'])).toThrow(
      expect.objectContaining({ code: MlErrorCode.TooManyClasses }),
    );
  });

  it('should throw MISSING_TARGET when a target cell is blank', () => {
    expect(() => encodeTarget('t', ['1', '', '0'])).toThrow(
      expect.objectContaining({ code: MlErrorCode.MissingTarget }),
    );
  });

  it('should throw INVALID_PARAMS when the given positive is not a class', () => {
    expect(() => encodeTarget('t', ['1', '0'], 'yes')).toThrow(
      expect.objectContaining({ code: MlErrorCode.InvalidParams }),
    );
  });
});
