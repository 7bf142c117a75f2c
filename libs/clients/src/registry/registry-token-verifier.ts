import { status, type ServiceError } from '@grpc/grpc-js';
import type { TokenVerifier, VerifiedToken } from '@keel/runtime';
import { serviceClient, type ClientOptions } from '../grpc-client';

/**
 * How services other than the registry check the bearer tokens they receive: the registry's
 * VerifyToken (open, no token needed), wrapped in the runtime's short cache by AuthGate. An unknown,
 * revoked or expired token resolves undefined; a registry that cannot be reached within the deadline
 * rejects, which callers see as UNAVAILABLE, never as a bad token.
 */
export class RegistryTokenVerifier implements TokenVerifier {
  private readonly client;

  constructor(address: string, options: ClientOptions = {}) {
    this.client = serviceClient('keel.registry.v1.AuthService', address, { deadlineMs: 5000, ...options, token: '' });
  }

  async verify(secret: string): Promise<VerifiedToken | undefined> {
    try {
      // A registry that is restarting is waited for, up to the deadline.
      await new Promise<void>((resolve, reject) =>
        this.client.raw.waitForReady(Date.now() + 5000, (err) => (err ? reject(err) : resolve())),
      );
      const t = await this.client.VerifyToken({ secret });
      return { name: t.name, scopes: t.scopes, expiresAtMs: Number(t.expiresAtMs) };
    } catch (err) {
      if ((err as ServiceError).code === status.UNAUTHENTICATED) return undefined;
      throw new Error(`registry VerifyToken: ${(err as ServiceError).details ?? (err as Error).message}`);
    }
  }

  close(): void {
    this.client.raw.close();
  }
}
