import { AuthGate } from './auth-gate';
import { authConfigCheck, isLoopbackHost } from './auth-settings';
import { AuthError, bearerToken, grants } from './scopes';
import { CachedTokenVerifier, type TokenVerifier, type VerifiedToken } from './token-verifier';

const TOKENS: Record<string, VerifiedToken> = {
  'r-token': { name: 'reader', scopes: ['read'], expiresAtMs: 0 },
  'w-token': { name: 'writer', scopes: ['write'], expiresAtMs: 0 },
  'a-token': { name: 'root', scopes: ['admin'], expiresAtMs: 0 },
  'i-token': { name: 'predictor', scopes: ['infer'], expiresAtMs: 0 },
};

function gate(open = ['health', 'metrics'], verifier: TokenVerifier = { verify: async (t) => TOKENS[t] }): AuthGate {
  const g = new AuthGate({ enabled: true, open, cacheMs: 0 });
  g.use(verifier);
  return g;
}

async function refusal(p: Promise<unknown>): Promise<{ kind: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(err)}`);
  return { kind: err.kind, message: err.message };
}

describe('scopes', () => {
  it('should let admin hold every scope and write hold read, and nothing else', () => {
    expect(grants(['admin'], 'infer')).toBe(true);
    expect(grants(['write'], 'read')).toBe(true);
    expect(grants(['read'], 'write')).toBe(false);
    expect(grants(['infer'], 'read')).toBe(false);
    expect(grants(['read'], 'infer')).toBe(false);
  });

  it('should read the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('AuthGate', () => {
  it('should answer unauthenticated when the token is missing or unknown', async () => {
    expect(await refusal(gate().authenticate(undefined, 'read'))).toMatchObject({ kind: 'unauthenticated' });
    expect(await refusal(gate().authenticate('Bearer nope', 'read'))).toMatchObject({ kind: 'unauthenticated' });
  });

  it('should answer permission-denied naming the scope when the token lacks it', async () => {
    const r = await refusal(gate().authenticate('Bearer r-token', 'write'));
    expect(r).toMatchObject({ kind: 'permission-denied' });
    expect(r.message).toContain('"write" scope');
    expect(await gate().authenticate('Bearer w-token', 'read')).toEqual({ name: 'writer', scopes: ['write'] });
  });

  it('should keep health and metrics open unless KEEL_AUTH_OPEN leaves them out, then ask for read', async () => {
    expect(await gate().authenticate(undefined, 'health')).toBeUndefined();
    expect(await gate().authenticate(undefined, 'public')).toBeUndefined();
    expect(await refusal(gate(['none']).authenticate(undefined, 'metrics'))).toMatchObject({
      kind: 'unauthenticated',
    });
    expect(await gate(['none']).authenticate('Bearer r-token', 'metrics')).toMatchObject({ name: 'reader' });
  });

  it('should answer unavailable, not unauthenticated, when the verifier cannot be reached', async () => {
    const down = gate(['health'], { verify: () => Promise.reject(new Error('connect ECONNREFUSED')) });
    const r = await refusal(down.authenticate('Bearer r-token', 'read'));
    expect(r.kind).toBe('unavailable');
    expect(r.message).toContain('ECONNREFUSED');
  });

  it('should let everything through when auth is off', async () => {
    const off = new AuthGate({ enabled: false, open: [], cacheMs: 0 });
    expect(await off.authenticate(undefined, 'admin')).toBeUndefined();
  });
});

describe('CachedTokenVerifier', () => {
  it('should ask again after the cache time and never trust a token past its expiry', async () => {
    let now = 1_000;
    let calls = 0;
    const inner: TokenVerifier = {
      verify: async () => (calls++, { name: 't', scopes: ['read'], expiresAtMs: 5_000 }),
    };
    const cached = new CachedTokenVerifier(inner, 3_000, () => now);
    await cached.verify('x');
    await cached.verify('x');
    expect(calls).toBe(1);
    now = 4_500;
    await cached.verify('x');
    expect(calls).toBe(2);
    // The next cache entry would last until 7 500, but the token expires at 5 000.
    now = 5_001;
    await cached.verify('x');
    expect(calls).toBe(3);
  });
});

describe('exposure default', () => {
  it('should refuse a non-loopback host unless KEEL_AUTH is set, saying so', () => {
    expect(authConfigCheck({ host: '0.0.0.0', auth: undefined } as never)[0]).toContain(
      'KEEL_AUTH: KEEL_HOST=0.0.0.0 is not a loopback address',
    );
    expect(authConfigCheck({ host: '0.0.0.0', auth: 'off' } as never)).toEqual([]);
    expect(authConfigCheck({ host: '10.1.2.3', auth: 'on' } as never)).toEqual([]);
    expect(authConfigCheck({ host: '127.0.0.1', auth: undefined } as never)).toEqual([]);
  });

  it('should count 127.0.0.0/8, ::1 and localhost as loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.1', '::', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});
