import { crc32c } from './crc32c';

describe('crc32c', () => {
  it('should match the Castagnoli check value when hashing "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('should give the same value when the input is hashed in an offset window', () => {
    const data = Buffer.from('xx123456789yy');
    expect(crc32c(data, 2, 11)).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});
