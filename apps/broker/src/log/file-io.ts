import * as fs from 'node:fs';
import * as path from 'node:path';

// The few file operations whose failure must take a partition out of service. Tests swap in
// failing versions to prove that; everything else uses the real ones.
export interface FileOps {
  writeSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
  fdatasyncSync(fd: number): void;
}

export const realFileOps: FileOps = {
  writeSync: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
  fdatasync: (fd, cb) => fs.fdatasync(fd, cb),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
};

// A write or sync that failed: the data it covered may not be on disk.
export class StorageError extends Error {
  override readonly name = 'StorageError';
}

// Writes every byte or throws: a short write (disk full, file size limit) is retried for the rest,
// and a write that makes no progress is an error instead of silently lost bytes.
export function writeFully(ops: FileOps, fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    let n: number;
    try {
      n = ops.writeSync(fd, buf, done, buf.length - done, position + done);
    } catch (e) {
      throw new StorageError(`write of ${buf.length} bytes failed after ${done}: ${(e as Error).message}`);
    }
    if (n <= 0) throw new StorageError(`write of ${buf.length} bytes stopped after ${done}`);
    done += n;
  }
}

// Makes a created, renamed or removed directory entry durable (a new segment survives power loss).
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// Writes a whole new file durably: data, file and directory entry.
export function writeNewFile(ops: FileOps, file: string, data: Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    writeFully(ops, fd, data, 0);
    ops.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(path.dirname(file));
}

export function readAt(fd: number, buf: Buffer, pos: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n)));
  });
}
