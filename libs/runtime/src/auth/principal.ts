import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is making the current request: the token's name and scopes (see docs/security.md). */
export interface Principal {
  readonly name: string;
  readonly scopes: readonly string[];
}

const storage = new AsyncLocalStorage<Principal>();

/** The principal of the request being handled, or undefined outside a request or with auth off. */
export function currentPrincipal(): Principal | undefined {
  return storage.getStore();
}

/** Runs `fn` (and everything it awaits) as `principal`; transports call this once per authenticated request. */
export function runAsPrincipal<T>(principal: Principal, fn: () => T): T {
  return storage.run(principal, fn);
}

/** The name recorded in audit entries: the token's name, or `local` when auth is off. */
export function actorName(): string {
  return currentPrincipal()?.name ?? 'local';
}
