import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsConfigCheck, type TlsConfig } from './tls-settings';

describe('tlsConfigCheck', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-tls-check-'));
    writeFileSync(join(dir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\n');
    writeFileSync(join(dir, 'junk.txt'), 'not a pem');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const off: TlsConfig = { tlsCert: undefined, tlsKey: undefined, tlsCa: undefined, tlsClientAuth: false };

  it('should accept TLS off', () => {
    expect(tlsConfigCheck(off)).toEqual([]);
  });

  it('should list every problem: a certificate without a key, client auth without a CA, unreadable and non-PEM files', () => {
    expect(
      tlsConfigCheck({ ...off, tlsCert: join(dir, 'cert.pem'), tlsCa: join(dir, 'junk.txt'), tlsClientAuth: true }),
    ).toEqual([
      'KEEL_TLS_KEY: TLS needs both KEEL_TLS_CERT and KEEL_TLS_KEY',
      `KEEL_TLS_CA: ${join(dir, 'junk.txt')} is not a PEM file`,
    ]);
    expect(tlsConfigCheck({ ...off, tlsKey: join(dir, 'missing.key'), tlsClientAuth: true })).toEqual([
      'KEEL_TLS_CERT: TLS needs both KEEL_TLS_CERT and KEEL_TLS_KEY',
      'KEEL_TLS_CA: KEEL_TLS_CLIENT_AUTH=true needs the CA that signs clients',
      'KEEL_TLS_CLIENT_AUTH: mutual TLS needs KEEL_TLS_CERT and KEEL_TLS_KEY',
      `KEEL_TLS_KEY: cannot read ${join(dir, 'missing.key')} (ENOENT)`,
    ]);
  });
});
