import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/api-keys';
import {
  decodeCreatePartitionsRequest,
  decodeDeleteGroupsRequest,
  decodeDeleteRecordsRequest,
  decodeOffsetDeleteRequest,
  encodeCreatePartitionsResponse,
  encodeDeleteGroupsResponse,
  encodeDeleteRecordsResponse,
  encodeOffsetDeleteResponse,
} from '../../protocol/apis/records-admin';
import { MAX_PARTITIONS_PER_TOPIC } from '../../log/log-manager';
import type { Handler } from '../context';
import { isLive, subscriptions } from '../../group/group-queries';

export const handleCreatePartitions: Handler = (ctx, { header }, r, w) => {
  const req = decodeCreatePartitionsRequest(r, header.apiVersion);
  const { nodeId } = ctx.config;
  const results = req.topics.map((t) => {
    const fail = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage });
    const current = ctx.logs.get(t.name)?.partitions.length ?? 0;
    if (t.assignments !== null) {
      const ok =
        t.assignments.length === t.count - current && t.assignments.every((a) => a.length === 1 && a[0] === nodeId);
      if (!ok)
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `single-node broker: each new partition is on broker ${nodeId} only`,
        );
    }
    const outcome = ctx.logs.addPartitions(t.name, t.count, req.validateOnly);
    switch (outcome) {
      case 'ok':
        return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      case 'unknown-topic':
        return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${t.name} does not exist`);
      case 'not-more':
        return fail(
          ErrorCode.INVALID_PARTITIONS,
          `topic currently has ${current} partitions, which is not fewer than the requested ${t.count}`,
        );
      case 'too-many':
        return fail(ErrorCode.INVALID_PARTITIONS, `at most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic`);
    }
  });
  for (const res of results) ctx.metrics.error(ApiKey.CreatePartitions, res.errorCode);
  encodeCreatePartitionsResponse(w, header.apiVersion, results);
  return true;
};

export const handleDeleteRecords: Handler = (ctx, { header }, r, w) => {
  const topics = decodeDeleteRecordsRequest(r, header.apiVersion).map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const log = ctx.logs.partition(t.name, p.index);
      const res = log
        ? log.deleteRecordsBefore(p.offset)
        : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1 };
      ctx.metrics.error(ApiKey.DeleteRecords, res.errorCode);
      return { index: p.index, ...res };
    }),
  }));
  encodeDeleteRecordsResponse(w, header.apiVersion, topics);
  return true;
};

export const handleDeleteGroups: Handler = async (ctx, { header }, r, w) => {
  const results = [];
  for (const groupId of decodeDeleteGroupsRequest(r, header.apiVersion)) {
    let errorCode: number = ErrorCode.NONE;
    const live = ctx.groups.deleteGroup(groupId);
    if (live === 'non-empty') errorCode = ErrorCode.NON_EMPTY_GROUP;
    else if (live === 'unknown' && !ctx.offsets.hasGroup(groupId)) errorCode = ErrorCode.GROUP_ID_NOT_FOUND;
    else {
      try {
        await ctx.offsets.deleteGroup(groupId);
      } catch (e) {
        ctx.logger.error('group deletion fsync failed', { group: groupId, error: String(e) });
        errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
      }
    }
    ctx.metrics.error(ApiKey.DeleteGroups, errorCode);
    results.push({ groupId, errorCode });
  }
  encodeDeleteGroupsResponse(w, header.apiVersion, results);
  return true;
};

// OffsetDelete: refused per partition while live members subscribe to its topic, as in Kafka.
export const handleOffsetDelete: Handler = async (ctx, { header }, r, w) => {
  const req = decodeOffsetDeleteRequest(r, header.apiVersion);
  if (!ctx.offsets.hasGroup(req.groupId) && !isLive(ctx.groups.groups, req.groupId)) {
    ctx.metrics.error(ApiKey.OffsetDelete, ErrorCode.GROUP_ID_NOT_FOUND);
    encodeOffsetDeleteResponse(w, ErrorCode.GROUP_ID_NOT_FOUND, []);
    return true;
  }
  const subscribed = subscriptions(ctx.groups.groups, req.groupId);
  const doomed: { topic: string; partition: number }[] = [];
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((index) => {
      let errorCode: number = ErrorCode.NONE;
      if (!ctx.logs.partition(t.name, index)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (subscribed.has(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      else doomed.push({ topic: t.name, partition: index });
      return { index, errorCode };
    }),
  }));
  let topLevel: number = ErrorCode.NONE;
  try {
    await ctx.offsets.deleteOffsets(req.groupId, doomed);
  } catch (e) {
    ctx.logger.error('offset deletion fsync failed', { group: req.groupId, error: String(e) });
    topLevel = ErrorCode.KAFKA_STORAGE_ERROR;
  }
  for (const t of topics) for (const p of t.partitions) ctx.metrics.error(ApiKey.OffsetDelete, p.errorCode);
  encodeOffsetDeleteResponse(w, topLevel, topics);
  return true;
};
