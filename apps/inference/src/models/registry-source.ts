// Where models come from: the registry's model versions (signature, artifact) and artifact bytes, over
// @keel/clients. NOT_FOUND stays NOT_FOUND; anything else is the registry being unavailable.
import { createHash } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { registryV1 } from '@keel/contracts';
import { downloadTo, registryClients, type RegistryClients } from '@keel/clients';
import { InferenceError } from '../serving/inference.errors';
import type { Datatype, ModelSignature } from '../serving/tensors';

export interface VersionInfo {
  model: string;
  version: number;
  artifactSha256: string;
  signature: ModelSignature;
}

const DEADLINE_MS = 10_000;

export class RegistrySource {
  private readonly r: RegistryClients;

  constructor(address: string) {
    this.r = registryClients(address, { deadlineMs: DEADLINE_MS });
  }

  private async call<T>(what: string, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      const code = (err as ServiceError).code;
      if (code === status.NOT_FOUND) throw new InferenceError('not-found', `${what}: not found in the registry`);
      throw new InferenceError('unavailable', `registry unavailable (${what}): ${(err as Error).message}`);
    }
  }

  /** Models that have the alias, with the version it points to. */
  async aliased(alias: string): Promise<{ model: string; version: number }[]> {
    const out: { model: string; version: number }[] = [];
    let pageToken = '';
    do {
      const res = await this.call(
        'models',
        this.r.models.ListRegisteredModels({ page: { pageSize: 1000, pageToken } }),
      );
      for (const m of res.models) {
        const a = m.aliases.find((x) => x.alias === alias);
        if (a) out.push({ model: m.name, version: a.version });
      }
      pageToken = res.nextPageToken;
    } while (pageToken);
    return out;
  }

  async byAlias(model: string, alias: string): Promise<VersionInfo> {
    return info(
      await this.call(`model ${model} alias ${alias}`, this.r.models.GetModelVersionByAlias({ model, alias })),
    );
  }

  async version(model: string, version: number): Promise<VersionInfo> {
    return info(
      await this.call(`model ${model} version ${version}`, this.r.models.GetModelVersion({ model, version })),
    );
  }

  /** The artifact's bytes, checked against its sha256. */
  async download(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await this.call(
      `artifact ${sha256}`,
      downloadTo(this.r.artifacts.raw, sha256, (c) => chunks.push(c)),
    );
    const bytes = Buffer.concat(chunks);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw new InferenceError('unavailable', `artifact ${sha256} failed its sha256 check`);
    return bytes;
  }

  close(): void {
    this.r.close();
  }
}

function info(v: registryV1.ModelVersion__Output): VersionInfo {
  const spec = (t: registryV1.TensorSpec__Output) => ({
    name: t.name,
    datatype: t.datatype as Datatype,
    shape: t.shape.map(Number),
  });
  return {
    model: v.model,
    version: v.version,
    artifactSha256: v.artifactSha256,
    signature: { inputs: (v.signature?.inputs ?? []).map(spec), outputs: (v.signature?.outputs ?? []).map(spec) },
  };
}
