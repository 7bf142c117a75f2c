import type { registryV1 } from '@keel/contracts';
import type { TokenView } from './auth.commands';

export function tokenToProto(t: TokenView): registryV1.AccessToken {
  return {
    id: t.id,
    name: t.name,
    scopes: t.scopes,
    createdAtMs: t.createdAt,
    expiresAtMs: t.expiresAt,
    revokedAtMs: t.revokedAt,
    createdBy: t.createdBy,
  };
}
