import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/api-keys';
import {
  decodeOffsetCommitRequest,
  decodeOffsetFetchRequest,
  encodeOffsetCommitResponse,
  encodeOffsetFetchResponse,
} from '../../protocol/apis/offsets';
import type { Handler } from '../context';

export const handleOffsetCommit: Handler = async (ctx, { header }, r, w) => {
  const v = header.apiVersion;
  const req = decodeOffsetCommitRequest(r, v);
  let code: number = req.groupId
    ? ctx.groups.checkCommit(req.groupId, req.generationId, req.memberId, req.groupInstanceId)
    : ErrorCode.INVALID_GROUP_ID;
  if (code === ErrorCode.NONE) {
    const entries = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.index, offset: p.offset, metadata: p.metadata })),
    );
    try {
      await ctx.offsets.commit(req.groupId, entries);
    } catch (e) {
      ctx.logger.error('offset commit fsync failed', { group: req.groupId, error: String(e) });
      code = ErrorCode.KAFKA_STORAGE_ERROR;
    }
  }
  ctx.metrics.error(ApiKey.OffsetCommit, code);
  encodeOffsetCommitResponse(
    w,
    v,
    req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ index: p.index, errorCode: code })),
    })),
  );
  return true;
};

export const handleOffsetFetch: Handler = (ctx, { header }, r, w) => {
  const req = decodeOffsetFetchRequest(r, header.apiVersion);
  const requested =
    req.topics ??
    Object.values(
      ctx.offsets.list(req.groupId).reduce<Record<string, { name: string; partitions: number[] }>>((acc, e) => {
        (acc[e.topic] ??= { name: e.topic, partitions: [] }).partitions.push(e.partition);
        return acc;
      }, {}),
    );
  const topics = requested.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((index) => {
      const c = ctx.offsets.get(req.groupId, t.name, index);
      return { index, offset: c?.offset ?? -1, metadata: c ? c.metadata : '', errorCode: ErrorCode.NONE };
    }),
  }));
  encodeOffsetFetchResponse(w, header.apiVersion, topics, ErrorCode.NONE);
  return true;
};
