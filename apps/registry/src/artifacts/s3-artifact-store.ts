import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { addressOf, type ArtifactStore, type StoredArtifact, type VerifyUpload } from './artifact-store';
import { ArtifactError, ArtifactErrorCode } from './artifacts.errors';
import { spoolVerified } from './spool';

export interface S3StoreOptions {
  endpoint?: string;
  bucket: string;
  prefix?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Local spool directory for uploads being verified (under the data dir). */
  tmpDir: string;
}

/**
 * Any S3-compatible store. An upload is spooled and verified locally first, so a corrupted upload never
 * reaches the bucket; only then is it written under <prefix>sha256/ab/<sha256>.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly tmpDir: string;

  constructor(private readonly o: S3StoreOptions) {
    this.tmpDir = resolve(o.tmpDir);
    this.client = new S3Client({
      region: o.region,
      endpoint: o.endpoint,
      forcePathStyle: o.forcePathStyle,
      credentials:
        o.accessKeyId && o.secretAccessKey
          ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey }
          : undefined,
      // Plain bodies: many S3-compatible servers store aws-chunked checksum framing as content. Integrity
      // is ours anyway: sha256 before the put, a size check after it, and a re-hash on every download.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private keyOf(sha256: string): string {
    return `${this.o.prefix ?? ''}${addressOf(sha256)}`;
  }

  private info(sha256: string, size: number): StoredArtifact {
    return { sha256, size, uri: `s3://${this.o.bucket}/${this.keyOf(sha256)}` };
  }

  async put(source: AsyncIterable<Buffer>, verify: VerifyUpload): Promise<StoredArtifact> {
    const spooled = await spoolVerified(join(this.tmpDir, 's3-spool'), source, verify);
    try {
      if (!(await this.stat(spooled.sha256))) {
        await this.call(() =>
          this.client.send(
            new PutObjectCommand({
              Bucket: this.o.bucket,
              Key: this.keyOf(spooled.sha256),
              Body: createReadStream(spooled.path),
              ContentLength: spooled.size,
              ContentType: 'application/octet-stream',
            }),
          ),
        );
        const landed = await this.stat(spooled.sha256);
        if (landed?.size !== spooled.size) {
          await this.call(() =>
            this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: this.keyOf(spooled.sha256) })),
          );
          throw new ArtifactError(
            ArtifactErrorCode.StoreUnavailable,
            `S3 stored ${landed?.size ?? 'no'} bytes for ${spooled.size}; the object was removed`,
          );
        }
      }
      return this.info(spooled.sha256, spooled.size);
    } finally {
      await rm(spooled.path, { force: true });
    }
  }

  async stat(sha256: string): Promise<StoredArtifact | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: this.keyOf(sha256) }));
      return this.info(sha256, Number(head.ContentLength ?? 0));
    } catch (err) {
      if (isMissing(err)) return null;
      throw unavailable(err);
    }
  }

  async open(sha256: string): Promise<Readable> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: this.keyOf(sha256) }));
      if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject returned no stream body');
      return res.Body;
    } catch (err) {
      if (isMissing(err))
        throw new ArtifactError(ArtifactErrorCode.NotFound, `no artifact with sha256 ${sha256}`, 'sha256');
      throw unavailable(err);
    }
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw unavailable(err);
    }
  }

  close(): void {
    this.client.destroy();
  }
}

function isMissing(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)
  );
}

function unavailable(err: unknown): ArtifactError {
  if (err instanceof ArtifactError) return err;
  return new ArtifactError(
    ArtifactErrorCode.StoreUnavailable,
    `artifact store (S3) failed: ${err instanceof Error ? err.message : String(err)}`,
  );
}
