import type { Principal } from './principal';
import { AuthError, bearerToken, grants, type AccessRule, type Scope } from './scopes';
import { CachedTokenVerifier, type TokenVerifier } from './token-verifier';

export interface AuthGateOptions {
  enabled: boolean;
  /** What stays open with auth on: 'health', 'metrics' (KEEL_AUTH_OPEN). */
  open: readonly string[];
  /** How long a verified token is trusted (KEEL_AUTH_CACHE_MS). */
  cacheMs: number;
}

/**
 * The one place that decides whether a request may run: the gRPC interceptor and the HTTP interceptor
 * both ask it with the request's `authorization` value and the rule its handler declared.
 */
export class AuthGate {
  private verifier: TokenVerifier | undefined;

  constructor(private readonly options: AuthGateOptions) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  get hasVerifier(): boolean {
    return this.verifier !== undefined;
  }

  /** Where tokens are checked: the registry's own table in the registry, a call to it elsewhere. */
  use(verifier: TokenVerifier): void {
    this.verifier?.close?.();
    this.verifier = new CachedTokenVerifier(verifier, this.options.cacheMs);
  }

  /** The scope a rule needs with this configuration, or undefined when it is open. */
  scopeFor(rule: AccessRule): Scope | undefined {
    if (!this.options.enabled || rule === 'public') return undefined;
    if (rule === 'health' || rule === 'metrics') return this.options.open.includes(rule) ? undefined : 'read';
    return rule;
  }

  /**
   * The principal a request runs as, undefined when the rule is open; throws AuthError when the token is
   * missing, unknown, revoked or expired, lacks the scope, or cannot be checked now.
   */
  async authenticate(authorization: string | undefined, rule: AccessRule): Promise<Principal | undefined> {
    const scope = this.scopeFor(rule);
    if (!scope) return undefined;
    const token = bearerToken(authorization);
    if (!token)
      throw new AuthError(
        'AUTH_TOKEN_MISSING',
        `a bearer token with the "${scope}" scope is required (authorization: Bearer <token>)`,
      );
    if (!this.verifier) throw new AuthError('AUTH_VERIFIER_UNAVAILABLE', 'tokens cannot be checked yet');
    let verified;
    try {
      verified = await this.verifier.verify(token);
    } catch (err) {
      throw new AuthError(
        'AUTH_VERIFIER_UNAVAILABLE',
        `the bearer token cannot be checked right now (${(err as Error).message}); retry later`,
      );
    }
    if (!verified) throw new AuthError('AUTH_TOKEN_UNKNOWN', 'the bearer token is unknown, revoked or expired');
    if (!grants(verified.scopes, scope))
      throw new AuthError(
        'AUTH_SCOPE_MISSING',
        `the token "${verified.name}" lacks the "${scope}" scope this call needs (it has: ${verified.scopes.join(', ')})`,
      );
    return { name: verified.name, scopes: verified.scopes };
  }

  close(): void {
    this.verifier?.close?.();
  }
}
