import { alterConfigs, describeConfigs, incrementalAlterConfigs, type ConfigAdminDeps } from '../../admin/config-admin';
import {
  decodeAlterConfigsRequest,
  decodeDescribeConfigsRequest,
  decodeIncrementalAlterConfigsRequest,
  encodeAlterConfigsResponse,
  encodeDescribeConfigsResponse,
} from '../../protocol/apis/configs';
import { ApiKey } from '../../protocol/api-keys';
import type { BrokerContext, Handler } from '../context';

function deps(ctx: BrokerContext): ConfigAdminDeps {
  return { logs: ctx.logs, config: ctx.config, advertised: () => `${ctx.config.advertisedHost}:${ctx.port()}` };
}

export const handleDescribeConfigs: Handler = (ctx, { header }, r, w) => {
  const results = describeConfigs(deps(ctx), decodeDescribeConfigsRequest(r, header.apiVersion));
  for (const res of results) ctx.metrics.error(ApiKey.DescribeConfigs, res.errorCode);
  encodeDescribeConfigsResponse(w, header.apiVersion, results);
  return true;
};

export const handleAlterConfigs: Handler = (ctx, { header }, r, w) => {
  const results = alterConfigs(deps(ctx), decodeAlterConfigsRequest(r, header.apiVersion));
  for (const res of results) ctx.metrics.error(ApiKey.AlterConfigs, res.errorCode);
  encodeAlterConfigsResponse(w, header.apiVersion, results);
  return true;
};

export const handleIncrementalAlterConfigs: Handler = (ctx, { header }, r, w) => {
  const results = incrementalAlterConfigs(deps(ctx), decodeIncrementalAlterConfigsRequest(r, header.apiVersion));
  for (const res of results) ctx.metrics.error(ApiKey.IncrementalAlterConfigs, res.errorCode);
  encodeAlterConfigsResponse(w, header.apiVersion, results);
  return true;
};
