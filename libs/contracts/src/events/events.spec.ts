import { TopicNameError } from '../topics';
import {
  EVENTS,
  EVENT_EXAMPLES,
  EVENT_TYPES,
  UnknownEventTypeError,
  eventDefinition,
  topicOf,
  validateEvent,
  type EventPayload,
  type EventType,
  type IngestEventType,
} from './index';

describe('EVENTS', () => {
  it('should key every definition by its own ce_type when built', () => {
    for (const type of EVENT_TYPES) {
      expect(EVENTS[type].type).toBe(type);
      expect(EVENTS[type].version).toBeGreaterThanOrEqual(1);
    }
    expect(EVENT_TYPES).toHaveLength(12);
  });

  it('should use the type as the topic when the event has a fixed topic', () => {
    for (const type of EVENT_TYPES) {
      if (type === 'keel.ingest.record') continue;
      expect(topicOf(type)).toBe(type);
    }
  });
});

describe('validateEvent', () => {
  it.each(EVENT_TYPES)('should accept the documented example when the type is %s', (type) => {
    const result = validateEvent(type, EVENT_EXAMPLES[type]);
    expect(result).toEqual({ ok: true, payload: EVENT_EXAMPLES[type] });
  });

  it.each([
    ['keel.model.registered', { ...EVENT_EXAMPLES['keel.model.registered'], artifactSha256: 'XYZ' }, 'artifactSha256'],
    ['keel.model.registered', { ...EVENT_EXAMPLES['keel.model.registered'], version: 0 }, 'version'],
    ['keel.model.promoted', { ...EVENT_EXAMPLES['keel.model.promoted'], fromVersion: undefined }, 'fromVersion'],
    ['keel.dataset.snapshotted', { ...EVENT_EXAMPLES['keel.dataset.snapshotted'], rows: -1 }, 'rows'],
    ['keel.dataset.snapshotted', { ...EVENT_EXAMPLES['keel.dataset.snapshotted'], dataset: 'Bad.Name' }, 'dataset'],
    ['keel.feedback', { label: 1 }, 'requestId'],
    ['keel.training.failed', { ...EVENT_EXAMPLES['keel.training.failed'], code: 'OOPS' }, 'code'],
    ['keel.monitoring.alert', { ...EVENT_EXAMPLES['keel.monitoring.alert'], severity: 'meh' }, 'severity'],
    ['keel.inference.logged', { ...EVENT_EXAMPLES['keel.inference.logged'], inputs: [] }, 'inputs'],
    ['keel.ingest.record', [1, 2, 3], '(root)'],
    ['keel.ingest.record', 'just text', '(root)'],
  ] as [EventType, unknown, string][])(
    'should reject the payload with a path when %s is invalid (%#)',
    (type, payload, path) => {
      const result = validateEvent(type, payload);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues.some((i) => i.startsWith(`${path}:`))).toBe(true);
    },
  );
});

describe('topicOf', () => {
  it('should build the dataset topic when the event is an ingest record', () => {
    expect(topicOf('keel.ingest.record', 'churn')).toBe('keel.ingest.churn');
  });

  it('should throw when an ingest record has no dataset or a bad one', () => {
    expect(() => topicOf('keel.ingest.record')).toThrow(TypeError);
    expect(() => topicOf('keel.ingest.record', 'Bad Name')).toThrow(TopicNameError);
  });

  it('should throw a typed error when the type is unknown', () => {
    expect(() => eventDefinition('keel.nope' as EventType)).toThrow(UnknownEventTypeError);
  });
});

// Compile-time checks: a wrong payload for a type must not type-check.
function typed<T extends EventType>(_type: T, _payload: EventPayload<T>): void {}
typed('keel.model.promoted', EVENT_EXAMPLES['keel.model.promoted']);
// @ts-expect-error a model.registered payload is not a model.promoted payload
typed('keel.model.promoted', EVENT_EXAMPLES['keel.model.registered']);

// Only ingest records are per-dataset.
const ingestOnly: IngestEventType = 'keel.ingest.record';
// @ts-expect-error a fixed-topic event is not an ingest event
const notIngest: IngestEventType = 'keel.feedback';
void ingestOnly;
void notIngest;
