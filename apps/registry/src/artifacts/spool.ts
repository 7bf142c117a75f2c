import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { VerifyUpload } from './artifact-store';

export interface Spooled {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Streams chunks into a fresh temp file while hashing them, honouring backpressure, then runs the
 * caller's check. On any failure the temp file is removed before the error propagates.
 */
export async function spoolVerified(
  tmpDir: string,
  source: AsyncIterable<Buffer>,
  verify: VerifyUpload,
): Promise<Spooled> {
  await mkdir(tmpDir, { recursive: true });
  const path = join(tmpDir, `upload-${randomBytes(12).toString('hex')}.part`);
  const hash = createHash('sha256');
  const out = createWriteStream(path, { flags: 'wx' });
  let size = 0;
  try {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const sha256 = hash.digest('hex');
    verify({ sha256, size });
    return { path, sha256, size };
  } catch (err) {
    out.destroy();
    await rm(path, { force: true });
    throw err;
  }
}
