import { parseOverrides, parsePositiveInt, selectColumns } from './drift-options';

describe('keel drift options', () => {
  it('should combine test and threshold overrides per column when both are given', () => {
    expect(parseOverrides(['age=psi', 'city=chi2'], ['age=0.25', 'a=b=0.01'])).toEqual({
      age: { test: 'psi', threshold: 0.25 },
      city: { test: 'chi2' },
      'a=b': { threshold: 0.01 },
    });
  });

  it('should reject malformed overrides with a typed error when the value is not usable', () => {
    expect(() => parseOverrides(['age'], [])).toThrow(expect.objectContaining({ code: 'invalid_option' }));
    expect(() => parseOverrides([], ['age=-1'])).toThrow(/non-negative number/);
    expect(() => parseOverrides([], ['age='])).toThrow(/non-negative number/);
    expect(() => parseOverrides(['age=anova'], [])).toThrow(/unknown drift test "anova"/);
  });

  it('should accept only positive integers when parsing --bins', () => {
    expect(parsePositiveInt('bins', undefined, 10)).toBe(10);
    expect(parsePositiveInt('bins', '20', 10)).toBe(20);
    for (const bad of ['0', '-3', '2.5', 'ten', ''])
      expect(() => parsePositiveInt('bins', bad, 10)).toThrow(/--bins must be a positive integer/);
  });

  it('should drop the id column and list every unknown column when selecting columns', () => {
    expect(selectColumns(['id', 'a', 'b'], ['id', 'a', 'b'], undefined, 'id')).toEqual(['a', 'b']);
    expect(selectColumns(['id', 'a', 'b'], ['a', 'b'], ' b , a ', undefined)).toEqual(['b', 'a']);
    expect(() => selectColumns(['a'], ['a'], 'a,x', undefined)).toThrow(
      'unknown column "x" (reference), "x" (current)',
    );
    expect(() => selectColumns(['a'], ['a'], undefined, 'id')).toThrow(/--id-column "id" is not a reference column/);
  });
});
