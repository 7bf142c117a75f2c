// Where the CLI's bearer token comes from, and where `keel up` keeps the one it provisions: KEEL_TOKEN
// when set, else the admin token `keel up` wrote into the data dir (KEEL_DATA_DIR, default .keel).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';

export function adminTokenPath(dataDir: string): string {
  return join(dataDir, ADMIN_TOKEN_FILE);
}

/** KEEL_TOKEN, or the token `keel up` provisioned in the data dir; undefined when neither exists. */
export function cliToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['KEEL_TOKEN']) return env['KEEL_TOKEN'];
  const file = adminTokenPath(env['KEEL_DATA_DIR'] ?? '.keel');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/**
 * With KEEL_AUTH=on, `keel up` gives the registry its bootstrap admin token (KEEL_ADMIN_TOKEN, else one
 * generated once into <data dir>/admin-token, readable by the owner only) and every service the same
 * token as KEEL_TOKEN for its calls to the others. With auth off the environment is returned unchanged.
 */
export function provisionUpToken(dataDir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env['KEEL_AUTH'] !== 'on') return env;
  let token = env['KEEL_ADMIN_TOKEN'];
  if (!token) {
    const file = adminTokenPath(dataDir);
    if (existsSync(file)) token = readFileSync(file, 'utf8').trim();
    if (!token) {
      token = `keel_${randomBytes(32).toString('base64url')}`;
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
    }
  }
  return { ...env, KEEL_ADMIN_TOKEN: token, KEEL_TOKEN: env['KEEL_TOKEN'] ?? token };
}
