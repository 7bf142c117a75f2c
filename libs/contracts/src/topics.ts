// The one place Keel's Kafka topic names are built (DESIGN.md, Events). Never spell a topic as a loose string.

/** Fixed topics; each doubles as the CloudEvents `ce_type` of the event it carries. */
export const TOPICS = {
  datasetSnapshotted: 'keel.dataset.snapshotted',
  trainingRequested: 'keel.training.requested',
  trainingCompleted: 'keel.training.completed',
  trainingFailed: 'keel.training.failed',
  modelRegistered: 'keel.model.registered',
  modelPromoted: 'keel.model.promoted',
  modelPromotionRefused: 'keel.model.promotion_refused',
  inferenceLogged: 'keel.inference.logged',
  feedback: 'keel.feedback',
  monitoringAlert: 'keel.monitoring.alert',
  policyChanged: 'keel.policy.changed',
} as const;

export type FixedTopic = (typeof TOPICS)[keyof typeof TOPICS];

export const INGEST_TOPIC_PREFIX = 'keel.ingest.';
export const DEAD_LETTER_SUFFIX = '.dlq';

// Lower-case, starts with a letter, no dots (so `.dlq` and the prefix stay unambiguous), Kafka-safe.
const DATASET_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
// Kafka's own rule: at most 249 characters of [a-zA-Z0-9._-], and not "." or "..".
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export type TopicErrorCode = 'INVALID_DATASET_NAME' | 'INVALID_TOPIC_NAME' | 'NOT_AN_INGEST_TOPIC';

export class TopicNameError extends Error {
  override readonly name = 'TopicNameError';
  constructor(
    readonly code: TopicErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isValidDatasetName(name: string): boolean {
  return DATASET_NAME.test(name);
}

export function assertDatasetName(name: string): string {
  if (!isValidDatasetName(name)) {
    throw new TopicNameError(
      'INVALID_DATASET_NAME',
      `invalid dataset name ${JSON.stringify(name)}: use 1-63 characters, a lower-case letter first, then lower-case letters, digits, "-" or "_"`,
    );
  }
  return name;
}

/** `keel.ingest.<dataset>`: raw records for one dataset. */
export function ingestTopic(dataset: string): string {
  return INGEST_TOPIC_PREFIX + assertDatasetName(dataset);
}

export function isIngestTopic(topic: string): boolean {
  return topic.startsWith(INGEST_TOPIC_PREFIX) && isValidDatasetName(topic.slice(INGEST_TOPIC_PREFIX.length));
}

/** The dataset an ingest topic carries; throws for any other topic. */
export function datasetOfIngestTopic(topic: string): string {
  if (!isIngestTopic(topic)) {
    throw new TopicNameError('NOT_AN_INGEST_TOPIC', `${JSON.stringify(topic)} is not a keel.ingest.<dataset> topic`);
  }
  return topic.slice(INGEST_TOPIC_PREFIX.length);
}

export function assertTopicName(topic: string): string {
  if (!KAFKA_TOPIC.test(topic) || topic === '.' || topic === '..') {
    throw new TopicNameError('INVALID_TOPIC_NAME', `invalid Kafka topic name ${JSON.stringify(topic)}`);
  }
  return topic;
}

/** `<topic>.dlq`: where a message that failed validation or its handler is parked. */
export function deadLetterTopic(topic: string): string {
  assertTopicName(topic);
  if (isDeadLetterTopic(topic)) {
    throw new TopicNameError('INVALID_TOPIC_NAME', `${JSON.stringify(topic)} is already a dead-letter topic`);
  }
  return assertTopicName(topic + DEAD_LETTER_SUFFIX);
}

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DEAD_LETTER_SUFFIX);
}
