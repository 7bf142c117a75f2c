// WindowRecovery against a real database (SQLite and PostgreSQL): where a restarted process resumes a
// window, what it reads again, and which records it skips. The event bus is a fake that serves a
// recorded log (the real read is covered by window-recovery.int-spec.ts on the broker).
import type { ConsumedEvent, EventBus } from '@keel/event-bus';
import { ReferenceProfile } from '@keel/ml';
import { eventTableEntities, eventTableMigrations, writeTransaction } from '@keel/persistence';
import { describeEachDatabase } from '@keel/persistence/testing';
import type { ConfigOf } from '@keel/runtime';
import { MonitorStates, type ModelState } from '../common/monitor-states';
import { monitoringEntities } from '../common/monitoring.entities';
import { monitoringMigrations } from '../common/monitoring.migration';
import type { MonitoringSettings } from '../config';
import type { MonitorSettings } from '../monitors/monitor-settings';
import { PerformanceWindow } from '../performance/performance-window';
import { DriftWindow, type ClosedWindow } from './drift-window';
import { decodePredictions } from './prediction-rows';
import { WindowCheckpointRow } from './window-checkpoint.entity';
import { WindowRecovery } from './window-recovery';

const profile = ReferenceProfile.fromColumns({ x: Array.from({ length: 500 }, (_, i) => i % 50) });
const settings = { windowSize: 20, windowSeconds: 0, sliding: false, slidePanes: 4 } as MonitorSettings;
const config = { exactLimit: 100_000 } as ConfigOf<MonitoringSettings>;

/** A logged request of `rows` rows at `offset`: x = offset. */
function record(offset: number, rows = 5, model = 'churn'): ConsumedEvent<'keel.inference.logged'> {
  const data = {
    requestId: `r-${offset}`,
    model,
    version: 1,
    inputs: [{ name: 'x', datatype: 'FP32' as const, shape: [rows, 1], data: new Array(rows).fill(offset) }],
    outputs: [{ name: 'label', datatype: 'INT64' as const, shape: [rows], data: new Array(rows).fill(0) }],
    latencyMs: 1,
  };
  return { data, offset: String(offset), partition: 0, time: new Date(1000 + offset).toISOString() } as never;
}

function modelState(): ModelState {
  const window = new DriftWindow({ profile, features: ['x'], shape: settings });
  return {
    model: 'churn',
    version: 1,
    revision: 1,
    settings,
    reference: { snapshotSha256: 'a'.repeat(64) } as ModelState['reference'],
    profile,
    note: null,
    window,
    predictionProfile: null,
    performance: new PerformanceWindow(500),
    predictions: 0,
  };
}

describeEachDatabase(
  'window checkpoints',
  {
    entities: [...eventTableEntities, ...monitoringEntities],
    migrations: [...eventTableMigrations, ...monitoringMigrations],
  },
  (db) => {
    const log = Array.from({ length: 30 }, (_, i) => record(i, 5, i % 3 === 2 ? 'other' : 'churn'));
    const reads: { from: number; to: number }[] = [];
    const bus = {
      async readPartition(_: string, r: { from: number; to: number }, onEvent: (e: unknown) => Promise<void>) {
        reads.push({ from: r.from, to: r.to });
        for (const e of log.slice(r.from, r.to)) await onEvent(e);
        return r.to - r.from;
      },
    } as unknown as EventBus;

    /** One process: feeds records as the service does and collects the windows it stores. */
    function process() {
      const recovery = new WindowRecovery(bus, new MonitorStates(), db.dataSource(), config);
      const state = modelState();
      const stored: ClosedWindow[] = [];
      const store = (w: ClosedWindow) =>
        writeTransaction(db.dataSource(), async (m) => {
          await recovery.checkpoint(m, state, w);
          stored.push(w);
        });
      const fill = async (e: ConsumedEvent<'keel.inference.logged'>, fromRow: number) => {
        const rows = decodePredictions(e.data.inputs, e.data.outputs);
        const closed = state.window!.add(rows, 0, 0, Number(e.offset), fromRow);
        await recovery.closeInOrder(state, closed, store);
      };
      return {
        stored,
        async feed(e: ConsumedEvent<'keel.inference.logged'>) {
          if (e.data.model !== 'churn') return;
          const from = await recovery.admit(state, { partition: 0, offset: Number(e.offset) }, fill);
          if (from !== null) await fill(e, from);
        },
      };
    }
    const checkpoint = () => db.dataSource().getRepository(WindowCheckpointRow).findOneByOrFail({ model: 'churn' });
    const sums = (ws: ClosedWindow[]) => ws.map((w) => [w.seq, w.rows, w.features.get('x')!.toJSON()]);

    it('should rebuild the open window from the checkpoint, skip what is before it, and go on numbering', async () => {
      // Uninterrupted: records 0..29 (20 of them the model's, 5 rows each): 5 windows of 20 rows.
      const straight = process();
      for (const e of log) await straight.feed(e);
      expect(straight.stored.map((w) => w.seq)).toEqual([1, 2, 3, 4, 5]);
      await db.dataSource().getRepository(WindowCheckpointRow).clear();

      // The model's records are 0, 1, 3, 4, 6, ...: windows close at records 4, 10, 16, 22 and 28.
      // Crash after record 13: window 2 closed at record 10 (the checkpoint says 11); 12 and 13 were open.
      const first = process();
      for (const e of log.slice(0, 14)) await first.feed(e);
      expect(first.stored.map((w) => w.seq)).toEqual([1, 2]);
      expect(await checkpoint()).toMatchObject({ seq: 2, offset: 11, row: 0, partition: 0, version: 1 });

      // The group committed up to 16: the next process starts at 16 and reads 11..15 again.
      const second = process();
      for (const e of log.slice(16)) await second.feed(e);
      expect(reads.at(-1)).toEqual({ from: 11, to: 16 });
      expect(sums([...first.stored, ...second.stored])).toEqual(sums(straight.stored));

      // Crash right after a close, before the commit: the next process starts before the checkpoint.
      const saved = await checkpoint();
      expect(saved).toMatchObject({ seq: 5, offset: 29 });
      const readsBefore = reads.length;
      const third = process();
      for (const e of log.slice(25)) await third.feed(e);
      expect(third.stored).toEqual([]);
      expect(reads).toHaveLength(readsBefore);
      expect(await checkpoint()).toMatchObject({ seq: 5, offset: 29 });
    });
  },
);
