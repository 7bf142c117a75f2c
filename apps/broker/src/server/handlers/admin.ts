import { ErrorCode } from '../../protocol/errors';
import {
  decodeCreateTopicsRequest,
  decodeDeleteTopicsRequest,
  decodeInitProducerIdRequest,
  encodeCreateTopicsResponse,
  encodeDeleteTopicsResponse,
  encodeInitProducerIdResponse,
  type TopicResult,
} from '../../protocol/apis/topics-admin';
import { decodeListOffsetsRequest, encodeListOffsetsResponse } from '../../protocol/apis/list-offsets';
import { decodeFindCoordinatorRequest, encodeFindCoordinatorResponse } from '../../protocol/apis/find-coordinator';
import type { Handler } from '../context';
import { MAX_PARTITIONS_PER_TOPIC } from '../../log/log-manager';
import { toOverrides, validateOverrides } from '../../log/topic-config';

const LATEST = -1;
const EARLIEST = -2;

export const handleCreateTopics: Handler = (ctx, { header }, r, w) => {
  const req = decodeCreateTopicsRequest(r, header.apiVersion);
  const results = req.topics.map((t): TopicResult => {
    if (t.replicationFactor !== -1 && t.replicationFactor !== 1 && t.assignments.length === 0) {
      return {
        name: t.name,
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        errorMessage: 'single-node broker: replication factor must be 1',
      };
    }
    const count =
      t.assignments.length > 0
        ? t.assignments.length
        : t.numPartitions === -1
          ? ctx.config.defaultPartitions
          : t.numPartitions;
    // Configs given are applied, not ignored; one the broker does not implement refuses the topic.
    const problems = validateOverrides(t.configs);
    if (problems.length > 0) {
      return { name: t.name, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problems.join('; ') };
    }
    const outcome = ctx.logs.create(t.name, count, toOverrides(t.configs), req.validateOnly);
    switch (outcome) {
      case 'created':
        return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      case 'exists':
        return {
          name: t.name,
          errorCode: ErrorCode.TOPIC_ALREADY_EXISTS,
          errorMessage: `topic ${t.name} already exists`,
        };
      case 'invalid-name':
        return {
          name: t.name,
          errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
          errorMessage: 'topic names are 1-249 of [a-zA-Z0-9._-]',
        };
      case 'invalid-partitions':
        return {
          name: t.name,
          errorCode: ErrorCode.INVALID_PARTITIONS,
          errorMessage: `partition count ${count} is outside 1-${MAX_PARTITIONS_PER_TOPIC}`,
        };
    }
  });
  encodeCreateTopicsResponse(w, header.apiVersion, results);
  return true;
};

export const handleDeleteTopics: Handler = (ctx, { header }, r, w) => {
  const names = decodeDeleteTopicsRequest(r, header.apiVersion);
  const results = names.map((name) => ({
    name,
    errorCode: ctx.logs.delete(name) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    errorMessage: null,
  }));
  encodeDeleteTopicsResponse(w, header.apiVersion, results);
  return true;
};

export const handleListOffsets: Handler = async (ctx, { header }, r, w) => {
  const topics = decodeListOffsetsRequest(r, header.apiVersion);
  const out = [];
  for (const t of topics) {
    const partitions = [];
    for (const p of t.partitions) {
      const log = ctx.logs.partition(t.name, p.index);
      if (!log) {
        partitions.push({ index: p.index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1 });
        continue;
      }
      if (log.failed) {
        partitions.push({ index: p.index, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, timestamp: -1, offset: -1 });
        continue;
      }
      if (p.timestamp === LATEST || p.timestamp === EARLIEST) {
        const offset = p.timestamp === LATEST ? log.highWatermark : log.logStartOffset;
        partitions.push({ index: p.index, errorCode: ErrorCode.NONE, timestamp: -1, offset });
        continue;
      }
      // No record at or after the timestamp: offset -1 (and timestamp -1), as Kafka answers.
      const found = await log.offsetForTimestamp(p.timestamp);
      partitions.push({
        index: p.index,
        errorCode: ErrorCode.NONE,
        timestamp: found?.timestamp ?? -1,
        offset: found?.offset ?? -1,
      });
    }
    out.push({ name: t.name, partitions });
  }
  encodeListOffsetsResponse(w, header.apiVersion, out);
  return true;
};

export const handleFindCoordinator: Handler = (ctx, { header }, r, w) => {
  decodeFindCoordinatorRequest(r, header.apiVersion);
  encodeFindCoordinatorResponse(w, header.apiVersion, {
    errorCode: ErrorCode.NONE,
    nodeId: ctx.config.nodeId,
    host: ctx.config.advertisedHost,
    port: ctx.port(),
  });
  return true;
};

let lastProducerId = 0;

// Ids derived from the clock stay unique across restarts without persisting a counter.
export const handleInitProducerId: Handler = (_ctx, _req, r, w) => {
  const { transactionalId } = decodeInitProducerIdRequest(r);
  if (transactionalId !== null) {
    encodeInitProducerIdResponse(w, ErrorCode.INVALID_REQUEST, -1, -1);
    return true;
  }
  lastProducerId = Math.max(lastProducerId + 1, Date.now() * 1000);
  encodeInitProducerIdResponse(w, ErrorCode.NONE, lastProducerId, 0);
  return true;
};
