import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore, type StoredArtifact } from './artifact-store';
import { ArtifactError, ArtifactErrorCode, artifactInput as v } from './artifacts.errors';

/** One message of an upload stream: a header first, then data chunks, then an optional trailer. */
export interface UploadMessage {
  part?: 'header' | 'data' | 'trailer';
  header?: { sha256: string; size: number } | null;
  data?: Buffer;
  trailer?: { sha256: string } | null;
}
// grpc-js queues up to 16 received messages per call, so this also bounds upload memory (~16 MiB).
export const MAX_CHUNK_BYTES = 1024 * 1024;
// Small enough that the call's object queue (16 messages) and garbage between GCs stay a few MB.
export const DOWNLOAD_CHUNK_BYTES = 256 * 1024;

@Injectable()
export class ArtifactsService {
  constructor(@Inject(ARTIFACT_STORE) private readonly store: ArtifactStore) {}

  /**
   * Header, data chunks, optional trailer. The digest the client declares (header or trailer) must match
   * what arrived, or the upload is rejected and nothing is kept.
   */
  async upload(messages: AsyncIterable<UploadMessage>): Promise<StoredArtifact> {
    let declared: { sha256: string; size: number } | undefined;
    let trailerSha = '';
    async function* data(): AsyncGenerator<Buffer> {
      let index = 0;
      for await (const m of messages) {
        const at = `messages[${index++}]`;
        if (index === 1) {
          if (m.part !== 'header' || !m.header) v.fail(`${at}.header`, 'an upload starts with a header');
          declared = {
            sha256: m.header!.sha256 ? v.sha256(m.header!.sha256, 'header.sha256') : '',
            size: v.nonNegative(m.header!.size, 'header.size'),
          };
          continue;
        }
        if (trailerSha) v.fail(`${at}`, 'nothing may follow the trailer');
        if (m.part === 'data' && m.data) {
          if (m.data.length > MAX_CHUNK_BYTES) v.fail(`${at}.data`, `chunks must be at most ${MAX_CHUNK_BYTES} bytes`);
          yield m.data;
        } else if (m.part === 'trailer' && m.trailer) {
          trailerSha = v.sha256(m.trailer.sha256, 'trailer.sha256');
        } else {
          v.fail(`${at}`, 'expected a data chunk or the trailer');
        }
      }
      if (index === 0) v.fail('header', 'the upload was empty; send a header first');
    }
    return this.store.put(data(), (actual) => {
      const expected = trailerSha || declared?.sha256;
      if (!expected)
        throw new ArtifactError(
          ArtifactErrorCode.InvalidArgument,
          'header.sha256: the client digest is required (in the header or the trailer)',
          'header.sha256',
        );
      if (declared?.sha256 && trailerSha && declared.sha256 !== trailerSha)
        throw new ArtifactError(
          ArtifactErrorCode.InvalidArgument,
          'trailer.sha256: differs from header.sha256',
          'trailer.sha256',
        );
      if (declared?.size && declared.size !== actual.size) {
        throw new ArtifactError(
          ArtifactErrorCode.SizeMismatch,
          `header.size: declared ${declared.size} bytes, received ${actual.size}; upload rejected`,
          'header.size',
        );
      }
      if (expected !== actual.sha256) {
        const field = trailerSha ? 'trailer.sha256' : 'header.sha256';
        throw new ArtifactError(
          ArtifactErrorCode.DigestMismatch,
          `${field}: declared ${expected}, received content hashes to ${actual.sha256}; upload rejected`,
          field,
        );
      }
    });
  }

  async stat(sha256: string): Promise<StoredArtifact | null> {
    return this.store.stat(v.sha256(sha256, 'sha256'));
  }

  async statOrFail(sha256: string): Promise<StoredArtifact> {
    const found = await this.stat(sha256);
    if (!found) throw new ArtifactError(ArtifactErrorCode.NotFound, `no artifact with sha256 ${sha256}`, 'sha256');
    return found;
  }

  /** The stored bytes in chunks, re-hashed on the way out: a mismatch ends the stream with Corrupted. */
  async download(sha256: string): Promise<{ info: StoredArtifact; chunks: AsyncGenerator<Buffer> }> {
    const info = await this.statOrFail(sha256);
    const source = await this.store.open(info.sha256);
    async function* chunks(): AsyncGenerator<Buffer> {
      const hash = createHash('sha256');
      try {
        for await (const raw of source as AsyncIterable<Buffer>) {
          hash.update(raw);
          for (let i = 0; i < raw.length; i += DOWNLOAD_CHUNK_BYTES) yield raw.subarray(i, i + DOWNLOAD_CHUNK_BYTES);
        }
      } finally {
        source.destroy();
      }
      const actual = hash.digest('hex');
      if (actual !== info.sha256)
        throw new ArtifactError(
          ArtifactErrorCode.Corrupted,
          `stored artifact ${info.sha256} hashes to ${actual}; it is corrupted`,
        );
    }
    return { info, chunks: chunks() };
  }
}
