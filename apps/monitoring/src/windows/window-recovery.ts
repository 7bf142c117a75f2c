// Exactly-once drift windows across crashes, by replay. The consumer commits its offsets freely; the
// open window's start in the log (a checkpoint) is written in the transaction of every closed window.
// The first time this process sees a model, it reads the log again from that checkpoint up to the
// record in hand, so the rebuilt window holds exactly the rows the lost one held. Afterwards, records
// before the cursor (a redelivery after a rebalance or a failed commit) are not added twice, and windows
// whose transaction failed (database outage) stay pending until stored.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EventBus, type ConsumedEvent } from '@keel/event-bus';
import { writeTransaction } from '@keel/persistence';
import { DATA_SOURCE, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import { MonitorStates, type ModelState } from '../common/monitor-states';
import type { MonitoringSettings } from '../config';
import type { ClosedWindow, LogPosition } from './drift-window';
import { WindowCheckpointRow } from './window-checkpoint.entity';

export interface LogRecord {
  partition: number;
  offset: number;
}

interface Cursor {
  partition: number;
  /** The first row not yet added to the window. */
  next: LogPosition;
  fingerprint: string;
  /** Closed windows whose transaction has not committed yet. */
  pending: ClosedWindow[];
}

export type ReplayRecord = (event: ConsumedEvent<'keel.inference.logged'>, fromRow: number) => Promise<void>;

@Injectable()
export class WindowRecovery {
  private readonly cursors = new WeakMap<ModelState, Cursor>();
  /** Models whose window this process already rebuilt: later states (new settings or version) start afresh. */
  private readonly recovered = new Set<string>();

  constructor(
    private readonly bus: EventBus,
    private readonly states: MonitorStates,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<MonitoringSettings>,
  ) {}

  /**
   * The row of `at` to start adding from, or null when the whole record is in the window already.
   * Rebuilds the window first when this is the model's first record since the process started.
   */
  async admit(state: ModelState, at: LogRecord, replay: ReplayRecord): Promise<number | null> {
    const cursor = this.cursors.get(state) ?? (await this.open(state, at, replay));
    return this.advance(cursor, at);
  }

  /** admit() without waiting, for a model whose window is open here; undefined when it must be rebuilt first. */
  admitOpen(state: ModelState, at: LogRecord): number | null | undefined {
    const cursor = this.cursors.get(state);
    return cursor ? this.advance(cursor, at) : undefined;
  }

  private advance(cursor: Cursor, at: LogRecord): number | null {
    if (at.partition !== cursor.partition) return 0;
    if (at.offset < cursor.next.offset) return null;
    const fromRow = at.offset === cursor.next.offset ? cursor.next.row : 0;
    cursor.next = { offset: at.offset + 1, row: 0 };
    return fromRow;
  }

  /** True when closed windows wait to be stored (closeInOrder stores them). */
  hasPending(state: ModelState): boolean {
    const cursor = this.cursors.get(state);
    return cursor !== undefined && cursor.pending.length > 0;
  }

  /** Windows closed but not stored yet (in order). */
  pending(state: ModelState): ClosedWindow[] {
    return this.cursors.get(state)?.pending ?? [];
  }

  /** Keeps closed windows until `store` commits each one. */
  async closeInOrder(state: ModelState, closed: ClosedWindow[], store: (w: ClosedWindow) => Promise<void>) {
    const cursor = this.cursors.get(state);
    if (!cursor) {
      for (const w of closed) await store(w);
      return;
    }
    cursor.pending.push(...closed);
    while (cursor.pending.length > 0) {
      await store(cursor.pending[0]!);
      cursor.pending.shift();
    }
  }

  /** In the closed window's transaction: the next window begins at `w.resume`. */
  async checkpoint(m: EntityManager, state: ModelState, w: ClosedWindow): Promise<void> {
    const cursor = this.cursors.get(state);
    if (!cursor || !w.resume) return;
    await this.save(m, state, cursor, w.resume, w.seq);
  }

  private async open(state: ModelState, at: LogRecord, replay: ReplayRecord): Promise<Cursor> {
    const fingerprint = this.fingerprint(state);
    const stored = this.recovered.has(state.model)
      ? null
      : await this.dataSource.getRepository(WindowCheckpointRow).findOne({ where: { model: state.model } });
    this.recovered.add(state.model);
    // The record in hand may come before the checkpoint too (the group's offsets are committed about a
    // second after the window closed): then it and the ones up to the checkpoint are skipped by admit().
    const resumes =
      stored &&
      stored.version === state.version &&
      stored.fingerprint === fingerprint &&
      stored.partition === at.partition;
    const start: LogPosition = resumes ? { offset: stored.offset, row: stored.row } : { offset: at.offset, row: 0 };
    const cursor: Cursor = { partition: at.partition, next: start, fingerprint, pending: [] };
    this.cursors.set(state, cursor);
    if (resumes) state.window!.continueFrom(stored.seq);
    if (resumes && start.offset < at.offset) {
      try {
        await this.bus.readPartition(
          'keel.inference.logged',
          { partition: at.partition, from: start.offset, to: at.offset },
          async (e) => {
            if (e.data.model !== state.model || e.data.version !== state.version) return;
            const offset = Number(e.offset);
            await replay(e, offset === start.offset ? start.row : 0);
            cursor.next = { offset: offset + 1, row: 0 };
          },
        );
      } catch (err) {
        // A half-rebuilt window must not be kept: the retried record builds the state and reads again.
        this.recovered.delete(state.model);
        this.cursors.delete(state);
        if (this.states.get(state.model) === state) this.states.byModel.delete(state.model);
        throw err;
      }
    } else if (!resumes) {
      await writeTransaction(this.dataSource, (m) => this.save(m, state, cursor, start, 0));
    }
    return cursor;
  }

  private save(m: EntityManager, state: ModelState, c: Cursor, at: LogPosition, seq: number): Promise<unknown> {
    return m.getRepository(WindowCheckpointRow).save({
      model: state.model,
      version: state.version,
      fingerprint: c.fingerprint,
      partition: c.partition,
      offset: at.offset,
      row: at.row,
      seq,
      updatedAt: Date.now(),
    });
  }

  /** What shapes the window's accumulators: a checkpoint of another shape is not resumed. */
  private fingerprint(state: ModelState): string {
    const { windowSize, windowSeconds, sliding, slidePanes } = state.settings;
    const shape = {
      windowSize,
      windowSeconds,
      sliding,
      slidePanes,
      features: state.window?.features ?? [],
      reference: state.reference?.snapshotSha256 ?? null,
      exactLimit: this.config.exactLimit,
    };
    return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
  }
}
