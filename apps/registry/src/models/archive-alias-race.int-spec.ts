import { status, type ServiceError } from '@grpc/grpc-js';
import { describeEachRegistry } from '../testing/registry-harness';
import { sha } from '../testing/expect-status';

const ROUNDS = 12;
const signature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};

describeEachRegistry('archiving a version races pointing an alias at it', (h) => {
  it('should let exactly one of the two succeed, every time, and never leave an alias on an archived version', async () => {
    const { clients } = h();
    const experiment = await clients.runs.CreateExperiment({ name: 'race' });
    const run = await clients.runs.CreateRun({ experimentId: experiment.id });
    await clients.models.CreateRegisteredModel({ name: 'race' });
    for (let i = 1; i <= ROUNDS; i++)
      await clients.models.CreateModelVersion({
        model: 'race',
        runId: run.id,
        snapshotSha256: sha('a'),
        artifactSha256: i.toString(16).padStart(64, '0'),
        artifactUri: `s3://race/${i}`,
        format: 'MODEL_FORMAT_ONNX',
        signature,
      });
    // Each round fires both writes at once on its own version (a distinct alias, so only this race counts).
    const outcomes = await Promise.all(
      Array.from({ length: ROUNDS }, async (_, n) => {
        const version = n + 1;
        const [archive, alias] = await Promise.allSettled([
          clients.models.ArchiveModelVersion({ model: 'race', version }),
          clients.models.SetAlias({ model: 'race', alias: `a${version}`, version }),
        ]);
        return { version, archive, alias };
      }),
    );
    for (const { version, archive, alias } of outcomes) {
      const won = [archive, alias].filter((o) => o.status === 'fulfilled');
      expect({ version, winners: won.length }).toEqual({ version, winners: 1 });
      const lost = [archive, alias].find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(status[(lost.reason as ServiceError).code]).toBe('FAILED_PRECONDITION');
      const stored = await clients.models.GetModelVersion({ model: 'race', version });
      const archived = stored.status === 'MODEL_VERSION_STATUS_ARCHIVED';
      expect({ version, archived, aliases: stored.aliases }).toEqual(
        archived ? { version, archived, aliases: [] } : { version, archived, aliases: [`a${version}`] },
      );
    }
  }, 60_000);
});
