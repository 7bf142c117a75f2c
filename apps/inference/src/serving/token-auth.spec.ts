import { TOKEN_ITEM, TokenAuth, tokenDigest } from './token-auth';

const kindOf = (f: () => void): string | null => {
  try {
    f();
    return null;
  } catch (err) {
    return (err as { kind: string }).kind;
  }
};

describe('bearer token scopes', () => {
  const auth = new TokenAuth([`${tokenDigest('reader')}:infer`, `${tokenDigest('operator')}:admin`]);

  it('should grant infer to infer and admin tokens, admin only to admin tokens', () => {
    expect(kindOf(() => auth.check('Bearer reader', 'infer'))).toBeNull();
    expect(kindOf(() => auth.check('bearer operator', 'infer'))).toBeNull();
    expect(kindOf(() => auth.check('Bearer operator', 'admin'))).toBeNull();
    expect(kindOf(() => auth.check('Bearer reader', 'admin'))).toBe('denied');
  });

  it('should answer unauthenticated without a token or with an unknown one', () => {
    expect(kindOf(() => auth.check(undefined, 'infer'))).toBe('unauthenticated');
    expect(kindOf(() => auth.check('Basic abc', 'infer'))).toBe('unauthenticated');
    expect(kindOf(() => auth.check('Bearer nope', 'infer'))).toBe('unauthenticated');
  });

  it('should be open when no tokens are configured, and accept only digest items', () => {
    expect(kindOf(() => new TokenAuth(['none']).check(undefined, 'admin'))).toBeNull();
    expect(TOKEN_ITEM.test(`${tokenDigest('x')}:infer+admin`)).toBe(true);
    expect(TOKEN_ITEM.test('plain-token:infer')).toBe(false);
  });
});
