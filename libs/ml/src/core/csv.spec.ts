import { parseCsv, csvColumns, CsvError } from './csv';
import { Random } from './random';

describe('parseCsv', () => {
  it('should keep quoted commas, doubled quotes and blank cells when parsing', () => {
    const t = parseCsv('a,b,c\r\n1,"x, ""y""",\n2,,z\n');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([
      ['1', 'x, "y"', ''],
      ['2', '', 'z'],
    ]);
    expect(csvColumns(t).get('c')).toEqual(['', 'z']);
  });

  it('should name the line when a row has the wrong number of fields', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(new CsvError('expected 2 fields, found 1', 3));
  });
});

describe('Random', () => {
  it('should repeat the same stream when seeded the same', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(new Random(43).nextUint32()).not.toBe(xs[0]);
  });

  it('should draw uniform floats in [0,1) and ints below n when sampling', () => {
    const r = new Random(7);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40000; i++) {
      const f = r.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
      counts[r.nextInt(4)]++;
    }
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });
});
