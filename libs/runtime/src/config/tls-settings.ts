import { readFileSync } from 'node:fs';
import type { ConfigCheck } from './load-config';
import { setting, type ConfigOf, type Setting } from './settings';

/**
 * TLS for a service's own gRPC and HTTP ports (KEEL_TLS_*): off by default on a laptop, on when a
 * certificate and key are given. With KEEL_TLS_CLIENT_AUTH=true, clients must present a certificate
 * signed by KEEL_TLS_CA (mutual TLS). The same files serve as client material for the service's own
 * calls to other services (see `@keel/clients`).
 */
export function tlsSettings() {
  return {
    tlsCert: setting.optionalString(
      'KEEL_TLS_CERT',
      'PEM certificate (chain) of the gRPC and HTTP servers; enables TLS.',
    ),
    tlsKey: setting.optionalString('KEEL_TLS_KEY', 'PEM private key of KEEL_TLS_CERT.'),
    tlsCa: setting.optionalString(
      'KEEL_TLS_CA',
      'PEM CA bundle: verifies client certificates (with KEEL_TLS_CLIENT_AUTH) and the servers this service calls.',
    ),
    tlsClientAuth: setting.bool(
      'KEEL_TLS_CLIENT_AUTH',
      false,
      'Require client certificates signed by KEEL_TLS_CA on both ports (mutual TLS).',
    ),
  } satisfies Record<string, Setting<unknown>>;
}

export type TlsConfig = ConfigOf<ReturnType<typeof tlsSettings>>;

/** PEM bytes read once at start; undefined when TLS is off. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  clientAuth: boolean;
}

/** Certificate and key go together, client auth needs a CA, and every file must be readable. */
export const tlsConfigCheck: ConfigCheck<TlsConfig> = (c) => {
  const problems: string[] = [];
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey))
    problems.push(`${c.tlsCert ? 'KEEL_TLS_KEY' : 'KEEL_TLS_CERT'}: TLS needs both KEEL_TLS_CERT and KEEL_TLS_KEY`);
  if (c.tlsClientAuth && !c.tlsCa)
    problems.push('KEEL_TLS_CA: KEEL_TLS_CLIENT_AUTH=true needs the CA that signs clients');
  if (c.tlsClientAuth && !c.tlsCert)
    problems.push('KEEL_TLS_CLIENT_AUTH: mutual TLS needs KEEL_TLS_CERT and KEEL_TLS_KEY');
  for (const [name, path] of [
    ['KEEL_TLS_CERT', c.tlsCert],
    ['KEEL_TLS_KEY', c.tlsKey],
    ['KEEL_TLS_CA', c.tlsCa],
  ] as const) {
    if (!path) continue;
    try {
      const pem = readFileSync(path, 'utf8');
      if (!pem.includes('-----BEGIN ')) problems.push(`${name}: ${path} is not a PEM file`);
    } catch (err) {
      problems.push(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return problems;
};

export function loadTlsMaterial(c: TlsConfig): TlsMaterial | undefined {
  if (!c.tlsCert || !c.tlsKey) return undefined;
  return {
    cert: readFileSync(c.tlsCert),
    key: readFileSync(c.tlsKey),
    ca: c.tlsCa ? readFileSync(c.tlsCa) : undefined,
    clientAuth: c.tlsClientAuth,
  };
}

/**
 * Channel credentials for calls to other Keel services, from the same variables: TLS verified against
 * KEEL_TLS_CA when it is set (presenting KEEL_TLS_CERT/KEEL_TLS_KEY as the client certificate when both are
 * set, for mutual TLS); plaintext otherwise. Used by `@keel/clients` unless a caller passes its own.
 */
export function clientTlsFromEnv(env: NodeJS.ProcessEnv = process.env): ClientTls | undefined {
  const ca = env['KEEL_TLS_CA'];
  if (!ca) return undefined;
  const cert = env['KEEL_TLS_CERT'];
  const key = env['KEEL_TLS_KEY'];
  // Read once per set of files: every client a process makes (five for the registry alone) shares them.
  const cacheKey = [ca, cert, key].join('\0');
  let tls = clientTlsCache.get(cacheKey);
  if (!tls) {
    tls = {
      ca: readFileSync(ca),
      cert: cert && key ? readFileSync(cert) : undefined,
      key: cert && key ? readFileSync(key) : undefined,
    };
    clientTlsCache.set(cacheKey, tls);
  }
  return tls;
}

type ClientTls = { ca: Buffer; cert?: Buffer; key?: Buffer };
const clientTlsCache = new Map<string, ClientTls>();
