import { randomBytes } from 'node:crypto';
import { crc32c, crc32cImplementation, crc32cPortable } from './crc32c';

describe('crc32c', () => {
  it('should match the Castagnoli check value when hashing "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cPortable(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('should give the same value when the input is hashed in an offset window', () => {
    const data = Buffer.from('xx123456789yy');
    expect(crc32c(data, 2, 11)).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('should agree with the portable implementation when the native one is loaded', () => {
    expect(crc32cImplementation).toBe('native'); // the prebuilt binary ships for linux-x64
    for (const size of [1, 7, 8, 61, 1000, 65_537]) {
      const data = randomBytes(size);
      expect(crc32c(data, 1, size)).toBe(crc32cPortable(data, 1, size));
    }
  });
});
