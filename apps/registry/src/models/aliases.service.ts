import { Injectable } from '@nestjs/common';
import { Outbox } from '@keel/event-bus';
import { pageResult, readOrderBy, readPage } from '@keel/domain';
import { isUniqueViolation, writeTransaction } from '@keel/persistence';
import { PRODUCTION_ALIAS } from '../audit/audit.actions';
import { AuditService } from '../audit/audit.service';
import type { AliasChangeRow, AliasRow, RegisteredModelRow } from './models.entities';
import type { AliasHistoryQuery, DeleteAliasCommand, SetAliasCommand } from './models.commands';
import { ModelError, ModelErrorCode, modelInput as v } from './models.errors';
import { ModelsRepository } from './models.repository';
import { ModelsService } from './models.service';

/** An unconditional alias move retries this often when it keeps losing races, then gives up with ABORTED. */
const UNCONDITIONAL_ATTEMPTS = 20;

/** Aliases: atomic moves under optimistic concurrency, each recorded in the alias history and announced. */
@Injectable()
export class AliasesService {
  constructor(
    private readonly repo: ModelsRepository,
    private readonly models: ModelsService,
    private readonly outbox: Outbox,
    private readonly audit: AuditService,
  ) {}

  /**
   * Moves (or creates) an alias atomically. With expected_revision it is a compare-and-set that fails
   * with ABORTED when another writer got there first; without it, it retries until it wins. Either way
   * the move, its history row and its keel.model.promoted event commit together.
   */
  async setAlias(req: SetAliasCommand): Promise<{ alias: AliasRow; fromVersion: number | null }> {
    const model = await this.models.requireModel(req.model);
    const aliasName = v.alias(req.alias, 'alias');
    const toVersion = v.positiveInt(req.version, 'version');
    const expected = req.expectedRevision;
    if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0))
      v.fail('expected_revision', 'must be 0 (alias must not exist) or a revision >= 1');
    const reason = v.text(req.reason, 'reason', 1024);
    const actor = v.text(req.actor, 'actor', 255);
    return this.retryLostRaces(aliasName, expected, () =>
      this.tryMoveAlias(model, aliasName, toVersion, expected, reason, actor),
    );
  }

  /** Removes an alias (recorded in the history with to_version 0); same concurrency rules as setAlias. */
  async deleteAlias(req: DeleteAliasCommand): Promise<{ fromVersion: number; revision: number }> {
    const model = await this.models.requireModel(req.model);
    const aliasName = v.alias(req.alias, 'alias');
    const expected = req.expectedRevision;
    if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 1))
      v.fail('expected_revision', 'must be the alias revision (>= 1)');
    const reason = v.text(req.reason, 'reason', 1024);
    const actor = v.text(req.actor, 'actor', 255);
    return this.retryLostRaces(aliasName, expected, () =>
      writeTransaction(this.repo.dataSource, async (m) => {
        const current = await this.repo.findAlias(model.id, aliasName, m);
        if (!current)
          throw new ModelError(
            ModelErrorCode.AliasNotFound,
            `model "${model.name}" has no alias "${aliasName}"`,
            'alias',
          );
        if (expected !== undefined && expected !== current.revision) {
          throw new ModelError(
            ModelErrorCode.AliasConflict,
            `alias "${aliasName}" is at revision ${current.revision}, not ${expected}; read it again and retry`,
            'expected_revision',
          );
        }
        if (!(await this.repo.deleteAlias(m, current)))
          throw new ModelError(
            ModelErrorCode.AliasConflict,
            `alias "${aliasName}" moved while this change was in flight`,
            'expected_revision',
          );
        const revision = current.revision + 1;
        await this.repo.insertAliasChange(m, {
          modelId: model.id,
          alias: aliasName,
          fromVersion: current.version,
          toVersion: null,
          revision,
          reason,
          actor,
          at: Date.now(),
        });
        await this.audit.record(m, {
          action: 'alias.deleted',
          subject: `${model.name}@${aliasName}`,
          details: { fromVersion: current.version, revision, reason, ...(actor ? { requestedBy: actor } : {}) },
        });
        return { fromVersion: current.version, revision };
      }),
    );
  }

  /** A compare-and-set that lost surfaces as ABORTED; an unconditional change tries again. */
  private async retryLostRaces<T>(
    aliasName: string,
    expected: number | undefined,
    attempt: () => Promise<T>,
  ): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        const lost = (err instanceof ModelError && err.code === ModelErrorCode.AliasConflict) || isUniqueViolation(err);
        if (!lost) throw err;
        if (expected !== undefined || n >= UNCONDITIONAL_ATTEMPTS) {
          throw err instanceof ModelError
            ? err
            : new ModelError(
                ModelErrorCode.AliasConflict,
                `alias "${aliasName}" was moved concurrently; read it again and retry`,
                'expected_revision',
              );
        }
      }
    }
  }

  private tryMoveAlias(
    model: RegisteredModelRow,
    aliasName: string,
    toVersion: number,
    expected: number | undefined,
    reason: string,
    actor: string,
  ) {
    return writeTransaction(this.repo.dataSource, async (m) => {
      // Locked against archiveVersion: read after the lock, the status is the committed one.
      await this.repo.lockVersion(m, model.id, toVersion);
      const target = await this.repo.findVersion(model.id, toVersion, m);
      if (!target)
        throw new ModelError(
          ModelErrorCode.VersionNotFound,
          `model "${model.name}" has no version ${toVersion}`,
          'version',
        );
      if (target.status === 'ARCHIVED')
        throw new ModelError(
          ModelErrorCode.VersionArchived,
          `version ${toVersion} of "${model.name}" is archived; an alias cannot point to it`,
          'version',
        );
      const current = await this.repo.findAlias(model.id, aliasName, m);
      const currentRevision = current?.revision ?? 0;
      if (expected !== undefined && expected !== currentRevision) {
        throw new ModelError(
          ModelErrorCode.AliasConflict,
          `alias "${aliasName}" is at revision ${currentRevision}, not ${expected}; read it again and retry`,
          'expected_revision',
        );
      }
      const now = Date.now();
      // A re-created alias continues the numbering of its history (a deletion is a revision too).
      const base = current ? current.revision : await this.repo.lastAliasRevision(m, model.id, aliasName);
      const alias: AliasRow = {
        modelId: model.id,
        alias: aliasName,
        version: toVersion,
        revision: base + 1,
        updatedAt: now,
      };
      if (!current) await this.repo.insertAlias(m, alias);
      else if (!(await this.repo.moveAlias(m, current, toVersion, now))) {
        throw new ModelError(
          ModelErrorCode.AliasConflict,
          `alias "${aliasName}" moved while this change was in flight`,
          'expected_revision',
        );
      }
      const fromVersion = current?.version ?? null;
      await this.repo.insertAliasChange(m, {
        modelId: model.id,
        alias: aliasName,
        fromVersion,
        toVersion,
        revision: alias.revision,
        reason,
        actor,
        at: now,
      });
      await this.outbox.publish(
        m,
        'keel.model.promoted',
        {
          model: model.name,
          alias: aliasName,
          fromVersion,
          toVersion,
          artifactSha256: target.artifactSha256,
          artifactUri: target.artifactUri,
          format: target.format,
          ...(reason ? { reason } : {}),
          ...(actor ? { promotedBy: actor } : {}),
        },
        { key: model.name, subject: `${model.name}@${aliasName}` },
      );
      // A move of the production alias is a promotion; the caller's own `actor` is kept as requestedBy.
      await this.audit.record(m, {
        action: aliasName === PRODUCTION_ALIAS ? 'model.promoted' : 'alias.moved',
        subject: `${model.name}@${aliasName}`,
        details: {
          fromVersion,
          toVersion,
          revision: alias.revision,
          reason,
          ...(actor ? { requestedBy: actor } : {}),
        },
        at: now,
      });
      return { alias, fromVersion };
    });
  }

  async aliasHistory(req: AliasHistoryQuery): Promise<{ items: AliasChangeRow[]; nextPageToken: string }> {
    const model = await this.models.requireModel(req.model);
    const alias = req.alias ? v.alias(req.alias, 'alias') : '';
    const page = readPage(req.page, v);
    const order = readOrderBy(req.orderBy, ['revision', 'at'] as const, { key: 'revision', direction: 'ASC' }, v);
    return pageResult(await this.repo.aliasHistory(model.id, alias, order, page), page);
  }
}
