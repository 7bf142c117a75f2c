// The drift reference of a model version: model version → lineage snapshot → profile.reference →
// artifact JSON → libs/ml ReferenceProfile. Cached per version; a registry outage is not cached (the
// next call tries again), a version without a reference is remembered with the reason.
import { Inject, Injectable } from '@nestjs/common';
import { ReferenceProfile, type ReferenceProfileJson } from '@keel/ml';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';
import { REGISTRY, type RegistryPort, type VersionReference } from './registry.port';

export interface LoadedReference {
  reference: VersionReference;
  profile: ReferenceProfile | null;
  note: string | null;
}

const MAX_PROFILE_BYTES = 512 * 1024 * 1024;

@Injectable()
export class ReferenceService {
  private readonly cache = new Map<string, Promise<LoadedReference>>();

  constructor(@Inject(REGISTRY) private readonly registry: RegistryPort) {}

  load(model: string, version: number): Promise<LoadedReference> {
    const key = `${model}@${version}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.fetch(model, version);
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  private async fetch(model: string, version: number): Promise<LoadedReference> {
    const reference = await this.registry.versionReference(model, version);
    if (!reference.referenceSha256)
      return {
        reference,
        profile: null,
        note: `the training snapshot ${reference.snapshotSha256.slice(0, 12)} of ${model} v${version} has no reference profile`,
      };
    const bytes = await this.registry.download(reference.referenceSha256, MAX_PROFILE_BYTES);
    try {
      const json = JSON.parse(bytes.toString('utf8')) as ReferenceProfileJson;
      return { reference, profile: ReferenceProfile.fromJSON(json), note: null };
    } catch (err) {
      throw new MonitoringError(
        MonitoringErrorCode.ReferenceUnavailable,
        `reference profile ${reference.referenceSha256} is not a keel.drift.reference-profile.v1 document: ${(err as Error).message}`,
      );
    }
  }
}
