import { DomainError, type ErrorKindTable } from '@keel/domain';

/** What a token may do (docs/security.md). `admin` grants every scope and `write` grants `read`. */
export const SCOPES = ['read', 'write', 'admin', 'infer'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What one RPC or HTTP route needs: a scope; `public` (no token, e.g. VerifyToken); or `health` /
 * `metrics`, open unless KEEL_AUTH_OPEN leaves them out (then they need `read`).
 */
export type AccessRule = Scope | 'public' | 'health' | 'metrics';

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** True when a token holding `held` may call something that needs `needed`. */
export function grants(held: readonly string[], needed: Scope): boolean {
  return held.includes('admin') || held.includes(needed) || (needed === 'read' && held.includes('write'));
}

/** The token of an `authorization: Bearer <token>` value, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

export const AuthErrorCode = {
  Missing: 'AUTH_TOKEN_MISSING',
  Unknown: 'AUTH_TOKEN_UNKNOWN',
  Denied: 'AUTH_SCOPE_MISSING',
  Unavailable: 'AUTH_VERIFIER_UNAVAILABLE',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

const KINDS: ErrorKindTable<AuthErrorCode> = {
  AUTH_TOKEN_MISSING: 'unauthenticated',
  AUTH_TOKEN_UNKNOWN: 'unauthenticated',
  AUTH_SCOPE_MISSING: 'permission-denied',
  AUTH_VERIFIER_UNAVAILABLE: 'unavailable',
};

/** Refusals of the auth layer: UNAUTHENTICATED/401, PERMISSION_DENIED/403, or UNAVAILABLE/503 (verifier down). */
export class AuthError extends DomainError<AuthErrorCode> {
  constructor(code: AuthErrorCode, message: string) {
    super(code, KINDS[code], message);
  }
}
