import type { BrokerConfig } from '../config';
import type { LogManager } from '../log/log-manager';
import type { GroupCoordinator } from '../group/coordinator';
import type { OffsetStore } from '../group/offset-store';
import type { BrokerMetrics } from '../http/metrics';
import type { Logger } from '../logger';
import type { RequestHeader } from '../protocol/header';
import type { Reader } from '../protocol/reader';
import type { Writer } from '../protocol/writer';

// Everything a request handler may touch.
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  readonly offsets: OffsetStore;
  readonly metrics: BrokerMetrics;
  readonly logger: Logger;
  readonly port: () => number;
}

export interface RequestInfo {
  readonly header: RequestHeader;
  readonly clientHost: string;
}

// A handler writes the response body into `w`, or returns false for "no response" (acks=0).
export type Handler = (ctx: BrokerContext, req: RequestInfo, r: Reader, w: Writer) => Promise<boolean> | boolean;
