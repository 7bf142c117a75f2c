import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/api-keys';
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchPartitionResponse,
  type FetchRequest,
  type FetchTopicResponse,
} from '../../protocol/apis/fetch';
import type { BrokerContext, Handler } from '../context';

async function collect(
  ctx: BrokerContext,
  req: FetchRequest,
): Promise<{ topics: FetchTopicResponse[]; bytes: number; failed: boolean }> {
  let budget = req.maxBytes;
  let bytes = 0;
  let failed = false;
  const topics: FetchTopicResponse[] = [];
  for (const t of req.topics) {
    const topic = ctx.logs.get(t.topic);
    const partitions: FetchPartitionResponse[] = [];
    for (const p of t.partitions) {
      const log = topic?.partitions[p.partition];
      if (!log) {
        failed = true;
        ctx.metrics.error(ApiKey.Fetch, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        partitions.push({
          partition: p.partition,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          logStartOffset: -1,
          records: [],
        });
        continue;
      }
      const hw = log.highWatermark;
      // The first partition with data gets at least one whole batch even past the budget (KIP-74).
      const limit = bytes === 0 ? p.maxBytes : Math.min(p.maxBytes, budget);
      const read =
        limit > 0 ? await log.read(p.fetchOffset, limit) : { errorCode: ErrorCode.NONE, records: [], bytes: 0 };
      if (read.errorCode !== ErrorCode.NONE) {
        failed = true;
        ctx.metrics.error(ApiKey.Fetch, read.errorCode);
      }
      bytes += read.bytes;
      budget -= read.bytes;
      partitions.push({
        partition: p.partition,
        errorCode: read.errorCode,
        highWatermark: hw,
        logStartOffset: log.logStartOffset,
        records: read.records,
      });
    }
    topics.push({ topic: t.topic, partitions });
  }
  return { topics, bytes, failed };
}

// Long poll: answer at once when minBytes is met or an error is due, otherwise wait for an
// append to any requested partition until maxWaitMs.
export const handleFetch: Handler = async (ctx, { header }, r, w) => {
  const v = header.apiVersion;
  const req = decodeFetchRequest(r, v);
  const deadline = Date.now() + Math.max(0, req.maxWaitMs);
  let result = await collect(ctx, req);
  while (result.bytes < req.minBytes && !result.failed && Date.now() < deadline) {
    const woke = await waitForAppend(ctx, req, deadline - Date.now());
    result = await collect(ctx, req);
    if (!woke) break;
  }
  encodeFetchResponse(w, v, result.topics);
  return true;
};

function waitForAppend(ctx: BrokerContext, req: FetchRequest, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined = undefined;
    let settled = false;
    const done = (woke: boolean): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      for (const off of offs) off();
      resolve(woke);
    };
    for (const t of req.topics) {
      const topic = ctx.logs.get(t.topic);
      for (const p of t.partitions) {
        const log = topic?.partitions[p.partition];
        if (log) offs.push(log.onAdvance(() => done(true)));
      }
    }
    timer = setTimeout(() => done(false), ms);
  });
}
