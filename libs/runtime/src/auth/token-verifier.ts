import { createHash } from 'node:crypto';

/** A token that verified: its name and scopes, and when it stops being valid (0: never). */
export interface VerifiedToken {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly expiresAtMs: number;
}

/**
 * Checks a bearer token: resolves with the token when it is known, not revoked and not expired, with
 * undefined when it is not, and rejects when it cannot tell (the registry is unreachable).
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken | undefined>;
  close?(): void;
}

// Unknown tokens are remembered briefly (a flood of bad tokens does not reach the registry each time)
// but not for long: a token created a moment ago must work almost at once.
const NEGATIVE_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

/** Remembers answers for `ttlMs` (never past a token's expiry), so each token reaches the registry rarely. */
export class CachedTokenVerifier implements TokenVerifier {
  private readonly cache = new Map<string, { until: number; token: VerifiedToken | undefined }>();

  constructor(
    private readonly inner: TokenVerifier,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string): Promise<VerifiedToken | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.token;
    const verified = await this.inner.verify(token);
    if (this.ttlMs > 0) {
      let until = now + (verified ? this.ttlMs : Math.min(this.ttlMs, NEGATIVE_TTL_MS));
      if (verified?.expiresAtMs) until = Math.min(until, verified.expiresAtMs);
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(key, { until, token: verified });
    }
    return verified;
  }

  close(): void {
    this.inner.close?.();
  }
}
