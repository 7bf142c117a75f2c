import { isWindowed, newestEventTime, windowRows } from './window';

const rows = [
  ['a', 1_000],
  ['b', 5_000],
  ['c', null],
  ['d', 9_000],
  ['e', 7_000],
];

describe('rolling window', () => {
  it('should keep the latest N records in arrival order when the window counts records', () => {
    expect(windowRows(rows, { records: 2, seconds: 0, eventTimeIndex: 1 }).map((r) => r[0])).toEqual(['d', 'e']);
    expect(windowRows(rows, { records: 10, seconds: 0, eventTimeIndex: 1 })).toHaveLength(5);
  });

  it('should keep records within T seconds of the newest event time and drop those without one', () => {
    expect(newestEventTime(rows, 1)).toBe(9_000);
    expect(windowRows(rows, { records: 0, seconds: 4, eventTimeIndex: 1 }).map((r) => r[0])).toEqual(['b', 'd', 'e']);
  });

  it('should apply both limits when both are set', () => {
    expect(windowRows(rows, { records: 2, seconds: 4, eventTimeIndex: 1 }).map((r) => r[0])).toEqual(['d', 'e']);
    expect(isWindowed({ records: 0, seconds: 0 })).toBe(false);
    expect(isWindowed({ records: 0, seconds: 1 })).toBe(true);
  });
});
