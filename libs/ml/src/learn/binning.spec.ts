import { Random } from '../core';
import { applyBinning, binOf, fitBinning, MISSING_BIN } from './binning';

describe('binning', () => {
  it('should give every distinct value its own bin when there are few values', () => {
    const data = Float32Array.of(3, 1, 2, 2, 3, 1);
    const binning = fitBinning({ rows: 6, cols: 1, data }, 256, new Random(1));
    expect(Array.from(binning.thresholds[0])).toEqual([1, 2]);
    expect(Array.from(applyBinning(binning, { rows: 6, cols: 1, data }).bins)).toEqual([2, 0, 1, 1, 2, 0]);
  });

  it('should cap the bins and keep "bin <= b" equal to "x <= threshold[b]" when values are many', () => {
    const rows = 10000;
    const random = new Random(4);
    const data = Float32Array.from({ length: rows }, () => random.nextFloat() * 100);
    const binning = fitBinning({ rows, cols: 1, data }, 32, new Random(2));
    const thr = binning.thresholds[0];
    expect(thr.length).toBeLessThanOrEqual(31);
    const { bins } = applyBinning(binning, { rows, cols: 1, data });
    let mismatches = 0;
    for (let i = 0; i < rows; i++) {
      for (let b = 0; b < thr.length; b++) if (bins[i] <= b !== data[i] <= thr[b]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('should put values above every threshold in the last bin', () => {
    expect(binOf(Float32Array.of(1, 2), 5)).toBe(2);
    expect(binOf(Float32Array.of(1, 2), 2)).toBe(1);
    expect(binOf(Float32Array.of(1, 2), -5)).toBe(0);
  });
});

describe('binning with missing values', () => {
  it('should give missing values their own code and keep them out of the thresholds', () => {
    const data = Float32Array.of(3, NaN, 1, 2, NaN, 3);
    const binning = fitBinning({ rows: 6, cols: 1, data }, 255, new Random(1));
    expect(Array.from(binning.thresholds[0])).toEqual([1, 2]);
    const binned = applyBinning(binning, { rows: 6, cols: 1, data });
    expect(Array.from(binned.bins)).toEqual([2, MISSING_BIN, 0, 1, MISSING_BIN, 2]);
    expect(Array.from(binned.nBins)).toEqual([3]);
  });

  it('should leave no threshold when every training value is missing but one distinct value', () => {
    const data = Float32Array.of(NaN, 4, NaN, 4);
    const binning = fitBinning({ rows: 4, cols: 1, data }, 255, new Random(1));
    expect(Array.from(binning.thresholds[0])).toEqual([]);
    expect(Array.from(applyBinning(binning, { rows: 4, cols: 1, data }).bins)).toEqual([255, 0, 255, 0]);
  });
});
