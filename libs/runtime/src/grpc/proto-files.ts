import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** The workspace's proto/ folder, found by walking up from this file (works from src/ and dist/). */
export function protoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'keel')) || existsSync(join(candidate, 'inference'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`proto/ folder not found above ${from}`);
    dir = parent;
  }
}

/** Absolute paths of proto files given relative to proto/ (e.g. 'keel/registry/v1/registry.proto'). */
export function protoFiles(relative: readonly string[]): string[] {
  const root = protoRoot();
  return relative.map((p) => join(root, p));
}

export { healthProtoPath };
