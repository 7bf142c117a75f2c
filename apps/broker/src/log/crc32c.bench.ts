// The broker's CRC-32C cost per 1 KiB message, run by bench/broker as its own process (bench code does
// not import app source). Prints `<implementation> <native µs/msg> <portable µs/msg>` on one line.
import { crc32c, crc32cImplementation, crc32cPortable } from './crc32c';

const SIZE = Number(process.argv[2] ?? 1024);

function microsPerMessage(fn: (b: Buffer) => number): number {
  const batch = Buffer.alloc(250 * (SIZE + 10), 'x');
  for (let i = 0; i < 50; i++) fn(batch);
  const rounds = 400;
  const t0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) fn(batch);
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / (rounds * 250);
}

const native = microsPerMessage((b) => crc32c(b, 21, b.length));
const portable = microsPerMessage((b) => crc32cPortable(b, 21, b.length));
process.stdout.write(`${crc32cImplementation} ${native} ${portable}\n`);
