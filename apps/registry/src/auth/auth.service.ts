import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@keel/persistence';
import { actorName, isScope, SCOPES, type Scope, type VerifiedToken } from '@keel/runtime';
import type { CreateTokenCommand, TokenView } from './auth.commands';
import { TokenRow } from './auth.entities';
import { TokenError, tokenInput } from './auth.errors';
import { AuthRepository } from './auth.repository';
import { AuditService } from '../audit/audit.service';

/** Generated tokens: a recognisable prefix and 32 random bytes (base64url). */
export const TOKEN_PREFIX = 'keel_';
/** The name of the token KEEL_ADMIN_TOKEN provisions. */
export const BOOTSTRAP_TOKEN_NAME = 'admin';

export function secretSha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function view(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.filter(isScope),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

function active(row: TokenRow, now: number): boolean {
  return row.revokedAt === 0 && (row.expiresAt === 0 || row.expiresAt > now);
}

/** Bearer tokens: create (the secret is returned once), list, revoke, verify. */
@Injectable()
export class AuthService {
  constructor(
    private readonly tokens: AuthRepository,
    private readonly audit: AuditService,
  ) {}

  async createToken(cmd: CreateTokenCommand): Promise<{ token: TokenView; secret: string }> {
    const name = tokenInput.name(cmd.name, 'name');
    const scopes = this.scopes(cmd.scopes);
    const now = Date.now();
    const expiresAt = tokenInput.nonNegative(cmd.expiresAtMs, 'expires_at_ms');
    if (expiresAt !== 0 && expiresAt <= now) tokenInput.fail('expires_at_ms', 'expires_at_ms is in the past');
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = Object.assign(new TokenRow(), {
      id: randomUUID(),
      name,
      secretSha256: secretSha256(secret),
      scopes,
      createdBy: actorName(),
      createdAt: now,
      expiresAt,
      revokedAt: 0,
    });
    try {
      await this.tokens.insert(row, (m) =>
        this.audit.record(m, {
          action: 'token.created',
          subject: `token/${name}`,
          details: { id: row.id, scopes, expiresAt },
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new TokenError('TOKEN_EXISTS', `a token named "${name}" exists`, 'name');
      throw err;
    }
    return { token: view(row), secret };
  }

  async listTokens(includeInactive: boolean): Promise<TokenView[]> {
    const now = Date.now();
    return (await this.tokens.list()).filter((r) => includeInactive || active(r, now)).map(view);
  }

  /** Revokes by name or id; revoking twice keeps the first time. */
  async revokeToken(nameOrId: string): Promise<TokenView> {
    const key = tokenInput.text(nameOrId, 'token', 63);
    if (!key) tokenInput.fail('token', 'token (a name or id) is required');
    const row = (await this.tokens.findByName(key)) ?? (await this.tokens.findById(key));
    if (!row) throw new TokenError('TOKEN_NOT_FOUND', `no token named "${key}"`, 'token');
    if (row.revokedAt === 0) {
      row.revokedAt = Date.now();
      await this.tokens.update(row.id, { revokedAt: row.revokedAt }, (m) =>
        this.audit.record(m, { action: 'token.revoked', subject: `token/${row.name}`, details: { id: row.id } }),
      );
    }
    return view(row);
  }

  /** The token a secret belongs to when it is active; undefined when unknown, revoked or expired. */
  async findActive(secret: string): Promise<VerifiedToken | undefined> {
    if (!secret) return undefined;
    const row = await this.tokens.findBySecret(secretSha256(secret));
    if (!row || !active(row, Date.now())) return undefined;
    return { name: row.name, scopes: row.scopes, expiresAtMs: row.expiresAt };
  }

  async verifyToken(secret: string): Promise<TokenView> {
    const row = secret ? await this.tokens.findBySecret(secretSha256(secret)) : null;
    if (!row || !active(row, Date.now()))
      throw new TokenError('TOKEN_UNKNOWN', 'the bearer token is unknown, revoked or expired');
    return view(row);
  }

  /**
   * KEEL_ADMIN_TOKEN: the first admin token, so the first real ones can be created. A known secret is
   * left as it is (a revoked bootstrap token stays revoked); a new one replaces the `admin` token's.
   */
  async provisionAdmin(secret: string): Promise<void> {
    const hash = secretSha256(secret);
    if (await this.tokens.findBySecret(hash)) return;
    const existing = await this.tokens.findByName(BOOTSTRAP_TOKEN_NAME);
    if (existing) {
      await this.tokens.update(existing.id, { secretSha256: hash, revokedAt: 0, scopes: ['admin'] }, (m) =>
        this.audit.record(m, {
          action: 'token.created',
          subject: `token/${BOOTSTRAP_TOKEN_NAME}`,
          actor: 'KEEL_ADMIN_TOKEN',
          details: { id: existing.id, scopes: ['admin'], replaced: true },
        }),
      );
      return;
    }
    const id = randomUUID();
    await this.tokens.insert(
      Object.assign(new TokenRow(), {
        id,
        name: BOOTSTRAP_TOKEN_NAME,
        secretSha256: hash,
        scopes: ['admin'],
        createdBy: 'KEEL_ADMIN_TOKEN',
        createdAt: Date.now(),
        expiresAt: 0,
        revokedAt: 0,
      }),
      (m) =>
        this.audit.record(m, {
          action: 'token.created',
          subject: `token/${BOOTSTRAP_TOKEN_NAME}`,
          actor: 'KEEL_ADMIN_TOKEN',
          details: { id, scopes: ['admin'] },
        }),
    );
  }

  private scopes(values: readonly string[]): Scope[] {
    if (values.length === 0) tokenInput.fail('scopes', `scopes must list at least one of ${SCOPES.join(', ')}`);
    values.forEach((s, i) => {
      if (!isScope(s)) tokenInput.fail(`scopes[${i}]`, `unknown scope "${s}"; scopes are ${SCOPES.join(', ')}`);
    });
    return [...new Set(values as Scope[])];
  }
}
