import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, realFileOps, writeFully } from './file-io';

// Write-then-rename with fsync of the file and the directory, so a crash leaves the old or new file.
// Every byte is checked: a short write throws instead of leaving a truncated file behind.
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(realFileOps, fd, typeof data === 'string' ? Buffer.from(data) : data, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}
