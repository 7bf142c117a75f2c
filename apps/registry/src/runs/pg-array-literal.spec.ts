import { numberArrayLiteral, textArrayLiteral } from './pg-array-literal';

describe('PostgreSQL array literals', () => {
  it('should write numbers as JS prints them so each reads back as the same double', () => {
    expect(numberArrayLiteral([0.1, -2, 1e-7, 123456789012345, 0.30000000000000004])).toBe(
      '{0.1,-2,1e-7,123456789012345,0.30000000000000004}',
    );
    expect(numberArrayLiteral([])).toBe('{}');
  });

  it('should quote every text element and escape quotes and backslashes', () => {
    expect(textArrayLiteral(['loss', 'val loss', 'NULL', '', 'a"b\\c', 'loss'])).toBe(
      '{"loss","val loss","NULL","","a\\"b\\\\c","loss"}',
    );
  });
});
