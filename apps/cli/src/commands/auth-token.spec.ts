import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminTokenPath, cliToken, provisionUpToken } from './auth-token';

describe('keel up token provisioning', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'keel-auth-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should leave the environment alone when auth is not on', () => {
    const env = { KEEL_HOST: '127.0.0.1' };
    expect(provisionUpToken(dir, env)).toBe(env);
  });

  it('should generate one admin token into the data dir, owner-only, and hand it to the services and the CLI', () => {
    const first = provisionUpToken(dir, { KEEL_AUTH: 'on' });
    expect(first['KEEL_ADMIN_TOKEN']).toMatch(/^keel_[A-Za-z0-9_-]{43}$/);
    expect(first['KEEL_TOKEN']).toBe(first['KEEL_ADMIN_TOKEN']);
    expect(statSync(adminTokenPath(dir)).mode & 0o777).toBe(0o600);
    expect(provisionUpToken(dir, { KEEL_AUTH: 'on' })['KEEL_ADMIN_TOKEN']).toBe(first['KEEL_ADMIN_TOKEN']);
    expect(cliToken({ KEEL_DATA_DIR: dir })).toBe(first['KEEL_ADMIN_TOKEN']);
    expect(cliToken({ KEEL_DATA_DIR: dir, KEEL_TOKEN: 'mine' })).toBe('mine');
  });

  it('should use KEEL_ADMIN_TOKEN when it is set and write no file', () => {
    const env = provisionUpToken(dir, { KEEL_AUTH: 'on', KEEL_ADMIN_TOKEN: 'given-0123456789abcdef' });
    expect(env['KEEL_TOKEN']).toBe('given-0123456789abcdef');
    expect(() => readFileSync(adminTokenPath(dir))).toThrow();
    expect(cliToken({ KEEL_DATA_DIR: dir })).toBeUndefined();
  });
});
