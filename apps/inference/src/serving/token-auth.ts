// Bearer tokens with scopes: `infer` for inference, metadata and health RPCs, `admin` (which includes
// infer) for the repository calls. Only the tokens' sha256 digests are configured, never the tokens.
import { createHash, timingSafeEqual } from 'node:crypto';
import { InferenceError } from './inference.errors';

export type Scope = 'infer' | 'admin';

/** A setting item: `<sha256 hex of the token>:<scope>[+<scope>]`, or none. */
export const TOKEN_ITEM = /^(none|[0-9a-f]{64}:(infer|admin)(\+(infer|admin))?)$/;

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class TokenAuth {
  private readonly scopes = new Map<string, Set<Scope>>();

  constructor(items: readonly string[]) {
    for (const item of items) {
      if (item === 'none') continue;
      const [digest, scopes] = item.split(':') as [string, string];
      this.scopes.set(digest, new Set(scopes.split('+') as Scope[]));
    }
  }

  get enabled(): boolean {
    return this.scopes.size > 0;
  }

  /** Throws unless the `Authorization: Bearer <token>` value grants the scope (no tokens configured: open). */
  check(authorization: string | undefined, scope: Scope): void {
    if (!this.enabled) return;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match)
      throw new InferenceError('unauthenticated', 'a bearer token is required (authorization: Bearer <token>)');
    const digest = tokenDigest(match[1]!);
    let granted: Set<Scope> | undefined;
    for (const [known, scopes] of this.scopes)
      if (timingSafeEqual(Buffer.from(known, 'hex'), Buffer.from(digest, 'hex'))) granted = scopes;
    if (!granted) throw new InferenceError('unauthenticated', 'the bearer token is not known');
    if (!granted.has(scope) && !(scope === 'infer' && granted.has('admin')))
      throw new InferenceError('denied', `the bearer token lacks the ${scope} scope`);
  }
}
