import { EventBusError, type EventBus } from '@keel/event-bus';
import { PredictionLog, type LogEntry } from './prediction-log';

const entry = (requestId: string): LogEntry => ({
  requestId,
  model: 'churn',
  version: 1,
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }],
  outputs: [{ name: 'p', datatype: 'FP32', shape: [1, 1], data: [0.5] }],
  latencyMs: 1,
});

/** A bus that records what it is given and fails the ids listed in `failing` (unit test of the queue alone). */
function recordingBus(failing = new Set<string>()) {
  const sent: string[] = [];
  const bus = {
    publish: (_type: string, payload: LogEntry) => {
      if (failing.delete(payload.requestId)) return Promise.reject(new Error('broker down'));
      sent.push(payload.requestId);
      return Promise.resolve();
    },
  } as unknown as EventBus;
  return { bus, sent };
}

const until = async (ok: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('prediction log', () => {
  it('should build an entry only when it is sent, not when it is offered', async () => {
    const { bus, sent } = recordingBus();
    const log = new PredictionLog(bus, { capacity: 10, sample: 1, onDrop: () => undefined, onError: () => undefined });
    let built = 0;
    log.offer(() => (built++, entry('a')));
    expect(built).toBe(0);
    log.start();
    await until(() => sent.length === 1);
    expect(built).toBe(1);
    await log.stop();
  });

  it('should send fewer big entries per batch when entries carry many elements', async () => {
    const { bus, sent } = recordingBus();
    const depths: number[] = [];
    const log = new PredictionLog(bus, {
      capacity: 100,
      sample: 1,
      onDrop: () => undefined,
      onError: () => undefined,
      onDepth: (n) => depths.push(n),
    });
    for (let i = 0; i < 30; i++) log.offer(() => entry(`big${i}`), 5000);
    log.start();
    await until(() => sent.length === 30);
    // 20,000 elements a batch: 4 entries each (reported while being sent, then gone once sent).
    expect(depths.slice(0, 4)).toEqual([30, 26, 26, 22]);
    expect(depths.at(-1)).toBe(0);
    await log.stop();
  });

  it("should not build or send an entry in the turn that offered it, so that turn's answers go out first", async () => {
    const { bus, sent } = recordingBus();
    const log = new PredictionLog(bus, { capacity: 10, sample: 1, onDrop: () => undefined, onError: () => undefined });
    log.start();
    await new Promise((r) => setImmediate(r)); // the sender is waiting for entries
    let built = 0;
    log.offer(() => (built++, entry('a')));
    for (let i = 0; i < 10; i++) await Promise.resolve(); // the rest of the turn: its promise callbacks
    expect(built).toBe(0);
    await until(() => sent.length === 1);
    expect(built).toBe(1);
    await log.stop();
  });

  it('should send the entries offered within the linger in one batch, and a full batch without waiting', async () => {
    const { bus, sent } = recordingBus();
    const depths: number[] = [];
    const log = new PredictionLog(bus, {
      capacity: 1000,
      sample: 1,
      lingerMs: 200,
      onDrop: () => undefined,
      onError: () => undefined,
      onDepth: (n) => depths.push(n),
    });
    log.start();
    await new Promise((r) => setImmediate(r));
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      log.offer(() => entry(`light${i}`));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sent).toEqual([]);
    await until(() => sent.length === 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(depths[0]).toBe(3); // one batch of the three
    // 200 entries fill a batch: sent at once, not after the linger.
    const full = Date.now();
    for (let i = 0; i < 200; i++) log.offer(() => entry(`burst${i}`));
    await until(() => sent.length === 203);
    expect(Date.now() - full).toBeLessThan(150);
    await log.stop();
  });

  it('should put back only the entries that failed, and send them after the outage', async () => {
    const { bus, sent } = recordingBus(new Set(['b']));
    const errors: string[] = [];
    const log = new PredictionLog(bus, {
      capacity: 10,
      sample: 1,
      onDrop: () => undefined,
      onError: (err) => errors.push(err.message),
    });
    for (const id of ['a', 'b', 'c']) log.offer(() => entry(id));
    log.start();
    await until(() => sent.length === 3);
    expect(sent).toEqual(['a', 'c', 'b']);
    expect(errors).toEqual(['broker down']);
    expect(log.dropped).toBe(0);
    await log.stop();
  });

  it('should drop and count entries when the queue is full, never blocking the caller', () => {
    const { bus } = recordingBus();
    let drops = 0;
    const log = new PredictionLog(bus, { capacity: 2, sample: 1, onDrop: () => drops++, onError: () => undefined });
    for (const id of ['a', 'b', 'c', 'd']) log.offer(() => entry(id));
    expect(drops).toBe(2);
    expect(log.dropped).toBe(2);
  });

  it('should count, through onDrop, the failed entries that no longer fit once the queue refilled', async () => {
    const { bus, sent } = recordingBus(new Set(['a', 'b']));
    let drops = 0;
    const log = new PredictionLog(bus, { capacity: 2, sample: 1, onDrop: () => drops++, onError: () => undefined });
    log.offer(() => entry('a'));
    log.offer(() => entry('b'));
    log.start(); // takes a and b into the batch being sent
    log.offer(() => entry('c'));
    log.offer(() => entry('d')); // the queue is full again when a and b fail
    await until(() => sent.length === 2);
    expect(sent).toEqual(['c', 'd']);
    expect(log.dropped).toBe(2);
    expect(drops).toBe(2);
    await log.stop();
  });

  it('should drop, count and report once an entry the bus refuses as invalid or that cannot be built, never retrying it', async () => {
    const attempts: string[] = [];
    const sent: string[] = [];
    const bus = {
      publish: (_type: string, payload: LogEntry) => {
        attempts.push(payload.requestId);
        if (payload.requestId === 'bad')
          return Promise.reject(
            new EventBusError('INVALID_PAYLOAD', 'invalid keel.inference.logged', ['inputs.0.data: NaN']),
          );
        sent.push(payload.requestId);
        return Promise.resolve();
      },
    } as unknown as EventBus;
    const errors: string[] = [];
    let drops = 0;
    const log = new PredictionLog(bus, {
      capacity: 10,
      sample: 1,
      onDrop: () => drops++,
      onError: (err) => errors.push(err.message),
    });
    log.offer(() => entry('a'));
    log.offer(() => entry('bad'));
    log.offer(() => {
      throw new Error('cannot build the entry');
    });
    log.offer(() => entry('c'));
    log.start();
    await until(() => sent.length === 2 && drops === 2);
    await new Promise((r) => setTimeout(r, 700)); // past the outage back-off: nothing is retried
    expect(attempts).toEqual(['a', 'bad', 'c']);
    expect(sent).toEqual(['a', 'c']);
    expect({ dropped: log.dropped, sent: log.sent, drops }).toEqual({ dropped: 2, sent: 2, drops: 2 });
    expect(errors.sort()).toEqual(['cannot build the entry', 'invalid keel.inference.logged: inputs.0.data: NaN']);
    await log.stop();
  });
});
