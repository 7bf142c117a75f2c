import { addressOf } from './artifact-store';

describe('addressOf', () => {
  it('should derive the storage address from the hex digest only when it is a sha256', () => {
    const sha = 'ab'.repeat(32);
    expect(addressOf(sha)).toBe(`sha256/ab/${sha}`);
  });

  it.each(['../../etc/passwd', 'AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(31)}/x`, ''])(
    'should refuse %j when it is not a lower-case hex sha256',
    (bad) => {
      expect(() => addressOf(bad)).toThrow('lower-case hex sha256');
    },
  );
});
