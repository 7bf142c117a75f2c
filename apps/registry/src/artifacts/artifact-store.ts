import type { Readable } from 'node:stream';

export interface StoredArtifact {
  sha256: string;
  size: number;
  uri: string;
}

/** Called with the digest and size actually received; throws to reject the upload (nothing is kept). */
export type VerifyUpload = (actual: { sha256: string; size: number }) => void;

/**
 * A content-addressed blob store. Content lands in a temp location first and becomes visible under
 * its sha256 only after the digest is verified; the address is always the verified hex digest.
 */
export interface ArtifactStore {
  readonly kind: 'fs' | 's3';
  put(source: AsyncIterable<Buffer>, verify: VerifyUpload): Promise<StoredArtifact>;
  stat(sha256: string): Promise<StoredArtifact | null>;
  /** The stored bytes; rejects with ArtifactError NotFound when absent. */
  open(sha256: string): Promise<Readable>;
  /** Releases connections held by the backend, if any. */
  close?(): void;
}

export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');

const SHA256 = /^[a-f0-9]{64}$/;

/** The only way a storage path or key is derived: from a checked lower-case hex digest. */
export function addressOf(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error('artifact address needs a lower-case hex sha256');
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}
