import type { Scope } from '@keel/runtime';

export interface CreateTokenCommand {
  name: string;
  scopes: readonly string[];
  /** Epoch ms; 0: never. */
  expiresAtMs: number;
}

/** A token as callers see it (never its secret or hash). */
export interface TokenView {
  id: string;
  name: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number;
}
