import { isMissing, MISSING_PATTERN } from './missing';

// The RE2 pattern the ONNX graph runs, read as a JavaScript regular expression (same meaning for these
// ASCII-only tokens), so the fast TypeScript check is held to the pattern on every case below.
const pattern = new RegExp(`^${MISSING_PATTERN.replace('(?i:', '(?:')}$`, 'i');

describe('isMissing', () => {
  it.each([
    [null],
    [undefined],
    [NaN],
    [''],
    [' '],
    ['\t \r\n'],
    ['NA'],
    ['na'],
    ['N/A'],
    ['n/A'],
    ['NaN'],
    ['nan'],
    ['NULL'],
    ['null'],
    ['None'],
    ['NONE'],
    [' NA '],
    ['\tnull\n'],
    ['\vNaN\f'],
  ])('should count %p as missing', (cell) => {
    expect(isMissing(cell)).toBe(true);
  });

  it.each([
    [0],
    [false],
    [Infinity],
    ['0'],
    ['a'],
    ['nA1'],
    ['N A'],
    ['NAN!'],
    ['nil'],
    ['-'],
    ['\u00a0'],
    ['NA\u00a0'],
    ['n/a/'],
    ['nonE '.repeat(2)],
  ])('should count %p as a value', (cell) => {
    expect(isMissing(cell)).toBe(false);
  });

  it('should agree with MISSING_PATTERN on every string tried when compared with the regular expression', () => {
    const parts = ['', ' ', '\t', '\u00a0', 'n', 'N', 'a', 'A', '/', 'an', 'null', 'None', 'x'];
    const tried: string[] = [];
    for (const a of parts) for (const b of parts) for (const c of parts) tried.push(a + b + c);
    const disagreements = tried.filter((s) => isMissing(s) !== pattern.test(s));
    expect(disagreements).toEqual([]);
    expect(tried.filter((s) => isMissing(s)).length).toBeGreaterThan(20);
  });
});
