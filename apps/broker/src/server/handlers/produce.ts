import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/api-keys';
import {
  decodeProduceRequest,
  encodeProduceResponse,
  type ProducePartitionResponse,
  type ProduceTopicResponse,
} from '../../protocol/apis/produce';
import type { Handler } from '../context';

export const handleProduce: Handler = async (ctx, { header }, r, w) => {
  const v = header.apiVersion;
  const req = decodeProduceRequest(r, v);
  const waits: Promise<void>[] = [];
  const topics: ProduceTopicResponse[] = req.topics.map((t) => {
    const topic = ctx.logs.get(t.name);
    const partitions = t.partitions.map((p): ProducePartitionResponse => {
      const fail = (errorCode: ErrorCode): ProducePartitionResponse => {
        ctx.metrics.error(ApiKey.Produce, errorCode);
        return { index: p.index, errorCode, baseOffset: -1, logStartOffset: -1 };
      };
      if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
      // Transactions are out of scope: refuse rather than silently drop their guarantees.
      if (req.transactionalId !== null) return fail(ErrorCode.INVALID_REQUEST);
      const log = topic?.partitions[p.index];
      if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (!p.records || p.records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE);
      const res = log.append(p.records);
      if (res.errorCode !== ErrorCode.NONE) return fail(res.errorCode);
      if (res.duplicate) ctx.metrics.duplicateBatches++;
      const out = {
        index: p.index,
        errorCode: ErrorCode.NONE as ErrorCode,
        baseOffset: res.baseOffset,
        logStartOffset: log.logStartOffset,
      };
      if (req.acks === -1) {
        waits.push(
          res.durable.catch((e: unknown) => {
            ctx.logger.error('fsync failed', { topic: t.name, partition: p.index, error: String(e) });
            out.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
            ctx.metrics.error(ApiKey.Produce, out.errorCode);
          }),
        );
      } else {
        res.durable.catch((e: unknown) => ctx.logger.error('fsync failed', { topic: t.name, error: String(e) }));
      }
      return out;
    });
    return { name: t.name, partitions };
  });
  if (req.acks === 0) return false;
  if (waits.length > 0) await Promise.all(waits);
  encodeProduceResponse(w, v, topics);
  return true;
};
