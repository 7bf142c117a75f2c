import { MlError, MlErrorCode } from './errors';
import { inferColumnType, scanColumn } from './schema';

function codeOf(fn: () => unknown): MlErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof MlError) return err.code;
    throw err;
  }
  return undefined;
}

describe('inferColumnType', () => {
  it.each([
    ['numeric with blanks', ['1', '', '2.5', ' '], 'numeric'],
    ['integers 0/1', ['0', '1', '1'], 'numeric'],
    ['words', ['red', 'green', ''], 'categorical'],
    ['mixed numbers and words', ['1', 'two'], 'categorical'],
    ['booleans in any case', ['TRUE', 'false', 'Yes', 'no', ''], 'boolean'],
    ['JS numbers', [1, 2, null], 'numeric'],
    ['JS booleans', [true, false, undefined], 'boolean'],
  ] as const)('should infer %s when the cells look like that', (_name, cells, expected) => {
    expect(inferColumnType('c', cells)).toBe(expected);
  });

  it('should return parsed values with NaN for blanks when a column is numeric', () => {
    const scan = scanColumn('c', ['1', '', ' 2 ', 'x'.slice(1)]);
    expect(scan.type).toBe('numeric');
    expect(Array.from(scan.numeric!)).toEqual([1, NaN, 2, NaN]);
  });

  it('should read the shared missing spellings (NA, N/A, NaN, null, None, blanks) as missing when numeric', () => {
    const scan = scanColumn('c', ['1', 'NaN', ' na ', 'N/A', 'null', 'NONE', '\t', '2']);
    expect(scan.type).toBe('numeric');
    expect(Array.from(scan.numeric!)).toEqual([1, NaN, NaN, NaN, NaN, NaN, NaN, 2]);
  });

  it('should make a column categorical when a cell is a non-ASCII blank, never read it as 0', () => {
    expect(inferColumnType('c', ['1', '\u00a0', '2'])).toBe('categorical');
  });

  it.each([['Infinity'], ['-Infinity']])('should throw NON_FINITE_VALUE when a numeric column holds "%s"', (bad) => {
    expect(codeOf(() => inferColumnType('c', ['1', bad, '3']))).toBe(MlErrorCode.NonFiniteValue);
  });

  it('should throw NON_FINITE_VALUE when a Float64Array holds Infinity', () => {
    expect(codeOf(() => inferColumnType('c', Float64Array.of(1, Infinity)))).toBe(MlErrorCode.NonFiniteValue);
  });

  it('should keep "Infinity" as a category when the column is text anyway', () => {
    expect(inferColumnType('c', ['a', 'Infinity', 'b'])).toBe('categorical');
  });

  it('should throw EMPTY_COLUMN when every cell is blank', () => {
    expect(codeOf(() => inferColumnType('c', ['', ' ', null]))).toBe(MlErrorCode.EmptyColumn);
    expect(codeOf(() => inferColumnType('c', Float64Array.of(NaN, NaN)))).toBe(MlErrorCode.EmptyColumn);
  });
});
