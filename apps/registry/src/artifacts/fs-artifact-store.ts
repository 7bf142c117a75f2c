import { constants, createReadStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { addressOf, type ArtifactStore, type StoredArtifact, type VerifyUpload } from './artifact-store';
import { ArtifactError, ArtifactErrorCode } from './artifacts.errors';
import { spoolVerified } from './spool';

/** Artifacts under <dataDir>/artifacts/sha256/ab/<sha256>; uploads are spooled in <dataDir>/artifacts/tmp. */
export class FsArtifactStore implements ArtifactStore {
  readonly kind = 'fs' as const;
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'artifacts');
  }

  private pathOf(sha256: string): string {
    return join(this.root, addressOf(sha256));
  }

  private info(sha256: string, size: number): StoredArtifact {
    return { sha256, size, uri: pathToFileURL(this.pathOf(sha256)).href };
  }

  async put(source: AsyncIterable<Buffer>, verify: VerifyUpload): Promise<StoredArtifact> {
    const spooled = await spoolVerified(join(this.root, 'tmp'), source, verify);
    const target = this.pathOf(spooled.sha256);
    try {
      await mkdir(dirname(target), { recursive: true });
      // Same content already stored: keep the existing file (same bytes by construction).
      if (await this.stat(spooled.sha256)) await rm(spooled.path, { force: true });
      else await rename(spooled.path, target);
    } catch (err) {
      await rm(spooled.path, { force: true });
      throw err;
    }
    return this.info(spooled.sha256, spooled.size);
  }

  async stat(sha256: string): Promise<StoredArtifact | null> {
    try {
      // Only a regular file the store wrote: a symbolic link planted in the store never leads outside it.
      const s = await lstat(this.pathOf(sha256));
      if (!s.isFile())
        throw new ArtifactError(
          ArtifactErrorCode.InvalidArgument,
          `sha256 ${sha256} is not a regular file in the artifact store (a symbolic link?); refused`,
          'sha256',
        );
      return this.info(sha256, s.size);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async open(sha256: string): Promise<Readable> {
    if (!(await this.stat(sha256)))
      throw new ArtifactError(ArtifactErrorCode.NotFound, `no artifact with sha256 ${sha256}`, 'sha256');
    // O_NOFOLLOW: a link swapped in after the check fails to open instead of being followed.
    return createReadStream(this.pathOf(sha256), {
      highWaterMark: 256 * 1024,
      // fs.open takes numeric flags; the stream's typings only name the string forms.
      flags: (constants.O_RDONLY | constants.O_NOFOLLOW) as unknown as string,
    });
  }
}
