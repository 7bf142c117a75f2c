import type { ConfigCheck } from '../config/load-config';
import { setting, type ConfigOf, type Setting } from '../config/settings';

/** KEEL_AUTH and friends, read by every service (docs/security.md). */
export function authSettings() {
  return {
    auth: setting.optionalOneOf(
      'KEEL_AUTH',
      ['on', 'off'] as const,
      'Bearer tokens with scopes on every gRPC and HTTP endpoint (on) or none (off). Unset: off on a loopback ' +
        'KEEL_HOST, and a service on any other address refuses to start.',
    ),
    authOpen: setting.list(
      'KEEL_AUTH_OPEN',
      'With auth on, what stays open without a token: health (grpc.health.v1, /healthz, /readyz), metrics, or none.',
      { default: 'health,metrics', item: /^(health|metrics|none)$/, itemHint: 'health, metrics or none' },
    ),
    authCacheMs: setting.int(
      'KEEL_AUTH_CACHE_MS',
      'How long a verified token is trusted before it is checked again (a revocation shows after at most this).',
      { default: 15_000, min: 0, max: 300_000 },
    ),
    token: setting.optionalString(
      'KEEL_TOKEN',
      'Bearer token this service sends on its calls to other services (and the CLI on its calls).',
      { secret: true },
    ),
  } satisfies Record<string, Setting<unknown>>;
}

export type AuthConfig = ConfigOf<ReturnType<typeof authSettings>>;

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Whether requests need tokens: KEEL_AUTH when set, else off (a loopback host; see authConfigCheck). */
export function authEnabled(c: Pick<AuthConfig, 'auth'>): boolean {
  return c.auth === 'on';
}

/** Secure by default when exposed: a non-loopback KEEL_HOST needs KEEL_AUTH set, on or explicitly off. */
export const authConfigCheck: ConfigCheck<AuthConfig & { host: string }> = (c) =>
  c.auth === undefined && !isLoopbackHost(c.host)
    ? [
        `KEEL_AUTH: KEEL_HOST=${c.host} is not a loopback address, so the service would be reachable by others ` +
          'without authentication; set KEEL_AUTH=on (bearer tokens, see docs/security.md), or KEEL_AUTH=off ' +
          'to serve without it on purpose',
      ]
    : [];
