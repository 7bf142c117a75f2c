import { ErrorCode } from '../../protocol/errors';
import { decodeMetadataRequest, encodeMetadataResponse, type MetadataTopic } from '../../protocol/apis/metadata';
import { isValidTopicName } from '../../log/topic-name';
import type { TopicInfo } from '../../log/log-manager';
import type { Handler } from '../context';

export const CLUSTER_ID = 'keel-single-node';

function describe(t: TopicInfo, nodeId: number): MetadataTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    // A partition out of service after a failed write or sync lists this broker as an offline
    // replica (v5+) with an empty ISR. No partition error: kafkajs fails the whole metadata request
    // on one, and every other partition must keep working. Its requests get KAFKA_STORAGE_ERROR.
    partitions: t.partitions.map((log, index) => ({
      errorCode: ErrorCode.NONE,
      index,
      leader: nodeId,
      offline: log.failed !== null,
    })),
  };
}

export const handleMetadata: Handler = (ctx, { header }, r, w) => {
  const v = header.apiVersion;
  const req = decodeMetadataRequest(r, v);
  const { nodeId } = ctx.config;
  const topics: MetadataTopic[] =
    req.topics === null
      ? ctx.logs.all().map((t) => describe(t, nodeId))
      : req.topics.map((name) => {
          let t = ctx.logs.get(name);
          if (!t && !isValidTopicName(name))
            return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitions: [] };
          if (!t && ctx.config.autoCreateTopics && req.allowAutoTopicCreation) {
            ctx.logs.create(name, ctx.config.defaultPartitions);
            t = ctx.logs.get(name);
          }
          if (!t) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: [] };
          return describe(t, nodeId);
        });
  encodeMetadataResponse(w, v, {
    brokers: [{ nodeId, host: ctx.config.advertisedHost, port: ctx.port() }],
    clusterId: CLUSTER_ID,
    controllerId: nodeId,
    topics,
  });
  return true;
};
