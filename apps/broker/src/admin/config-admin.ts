import { topicDefaults, type BrokerConfig } from '../config';
import type { LogManager, TopicInfo } from '../log/log-manager';
import {
  configDef,
  formatValue,
  parseCleanupPolicy,
  TOPIC_CONFIG_DEFS,
  toOverrides,
  validateOverrides,
  type ConfigType,
} from '../log/topic-config';
import {
  AlterOp,
  ResourceType,
  type AlterConfigsRequest,
  type AlterResult,
  type ConfigEntry,
  type DescribeConfigsRequest,
  type DescribeConfigsResult,
  type IncrementalAlterConfigsRequest,
} from '../protocol/apis/configs';
import { ErrorCode } from '../protocol/errors';

// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics (the configs of
// log/topic-config.ts) and, read-only, for this broker. Transport-free: handlers translate.
const Source = { TOPIC: 1, STATIC_BROKER: 4, DEFAULT: 5 } as const;
const TYPE: Record<ConfigType | 'boolean' | 'string', number> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
};

export interface ConfigAdminDeps {
  readonly logs: LogManager;
  readonly config: BrokerConfig;
  readonly advertised: () => string; // host:port handed to clients
}

function brokerEntries(deps: ConfigAdminDeps): { name: string; value: string; type: number; doc: string }[] {
  const c = deps.config;
  const defaults = topicDefaults(c);
  return [
    { name: 'broker.id', value: String(c.nodeId), type: TYPE.int, doc: 'this broker and controller id' },
    { name: 'num.partitions', value: String(c.defaultPartitions), type: TYPE.int, doc: 'partitions of new topics' },
    {
      name: 'auto.create.topics.enable',
      value: String(c.autoCreateTopics),
      type: TYPE.boolean,
      doc: 'create topics named in Metadata requests',
    },
    { name: 'log.dirs', value: c.dataDir, type: TYPE.string, doc: 'the data directory' },
    {
      name: 'advertised.listeners',
      value: `PLAINTEXT://${deps.advertised()}`,
      type: TYPE.list,
      doc: 'the address handed to clients',
    },
    {
      name: 'socket.request.max.bytes',
      value: String(c.maxRequestBytes),
      type: TYPE.int,
      doc: 'largest request frame',
    },
    {
      name: 'producer.id.expiration.ms',
      value: String(c.producerIdExpirationMs),
      type: TYPE.int,
      doc: 'idle time after which an idempotent producer is forgotten',
    },
    ...TOPIC_CONFIG_DEFS.map((d) => ({
      name: d.synonym,
      value: formatValue(defaults[d.key]),
      type: TYPE[d.type],
      doc: `default of topic config ${d.name}: ${d.doc}`,
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

function describeTopic(deps: ConfigAdminDeps, t: TopicInfo, req: DescribeConfigsRequest, keys: string[] | null) {
  const defaults = topicDefaults(deps.config);
  return TOPIC_CONFIG_DEFS.filter((d) => keys === null || keys.includes(d.name)).map((d): ConfigEntry => {
    const override = t.configs[d.name];
    const fallback = formatValue(defaults[d.key]);
    const synonyms = [
      ...(override !== undefined ? [{ name: d.name, value: override, source: Source.TOPIC }] : []),
      { name: d.synonym, value: fallback, source: Source.DEFAULT },
    ];
    return {
      name: d.name,
      value: override ?? fallback,
      readOnly: false,
      source: override !== undefined ? Source.TOPIC : Source.DEFAULT,
      isSensitive: false,
      synonyms: req.includeSynonyms ? synonyms : [],
      type: TYPE[d.type],
      documentation: req.includeDocumentation ? d.doc : null,
    };
  });
}

export function describeConfigs(deps: ConfigAdminDeps, req: DescribeConfigsRequest): DescribeConfigsResult[] {
  return req.resources.map((res): DescribeConfigsResult => {
    const base = { type: res.type, name: res.name };
    if (res.type === ResourceType.TOPIC) {
      const t = deps.logs.get(res.name);
      if (!t) {
        const errorMessage = `topic ${res.name} does not exist`;
        return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage, configs: [] };
      }
      return { ...base, errorCode: 0, errorMessage: null, configs: describeTopic(deps, t, req, res.keys) };
    }
    if (res.type === ResourceType.BROKER) {
      if (res.name !== '' && res.name !== String(deps.config.nodeId)) {
        const errorMessage = `this is broker ${deps.config.nodeId}, not ${res.name}`;
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage, configs: [] };
      }
      const configs = brokerEntries(deps)
        .filter((e) => res.keys === null || res.keys.includes(e.name))
        .map((e) => ({
          name: e.name,
          value: e.value,
          readOnly: true,
          source: Source.STATIC_BROKER,
          isSensitive: false,
          synonyms: req.includeSynonyms ? [{ name: e.name, value: e.value, source: Source.STATIC_BROKER }] : [],
          type: e.type,
          documentation: req.includeDocumentation ? e.doc : null,
        }));
      return { ...base, errorCode: 0, errorMessage: null, configs };
    }
    return { ...base, ...unsupportedResource(res.type), configs: [] };
  });
}

function unsupportedResource(type: number): { errorCode: number; errorMessage: string } {
  return {
    errorCode: ErrorCode.INVALID_REQUEST,
    errorMessage: `resource type ${type} has no configs here (supported: topic 2, broker 4)`,
  };
}

// Checks the resource and returns the topic whose configs may change, or the error to answer.
function alterable(
  deps: ConfigAdminDeps,
  type: number,
  name: string,
): TopicInfo | { errorCode: number; errorMessage: string } {
  if (type === ResourceType.BROKER) {
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'broker configs are static: set them with flags or KEEL_BROKER_* variables',
    };
  }
  if (type !== ResourceType.TOPIC) return unsupportedResource(type);
  return (
    deps.logs.get(name) ?? {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: `topic ${name} does not exist`,
    }
  );
}

// AlterConfigs replaces a topic's whole set of overrides (configs left out return to the default).
export function alterConfigs(deps: ConfigAdminDeps, req: AlterConfigsRequest): AlterResult[] {
  return req.resources.map((res): AlterResult => {
    const base = { type: res.type, name: res.name };
    const topic = alterable(deps, res.type, res.name);
    if (!('partitions' in topic)) return { ...base, ...topic };
    const problems = validateOverrides(res.configs);
    if (problems.length > 0) return { ...base, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problems.join('; ') };
    if (!req.validateOnly) deps.logs.setConfigs(topic.name, toOverrides(res.configs));
    return { ...base, errorCode: 0, errorMessage: null };
  });
}

// IncrementalAlterConfigs: SET and DELETE any topic config; APPEND and SUBTRACT on list configs.
export function incrementalAlterConfigs(deps: ConfigAdminDeps, req: IncrementalAlterConfigsRequest): AlterResult[] {
  return req.resources.map((res): AlterResult => {
    const base = { type: res.type, name: res.name };
    const topic = alterable(deps, res.type, res.name);
    if (!('partitions' in topic)) return { ...base, ...topic };
    const names = res.configs.map((c) => c.name);
    if (new Set(names).size !== names.length) {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'a config is named twice' };
    }
    const next: Record<string, string> = { ...topic.configs };
    const problems: string[] = [];
    for (const c of res.configs) {
      const problem = applyOp(deps, next, c);
      if (problem) problems.push(problem);
    }
    problems.push(...validateOverrides(Object.entries(next).map(([name, value]) => ({ name, value }))));
    if (problems.length > 0) return { ...base, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problems.join('; ') };
    if (!req.validateOnly)
      deps.logs.setConfigs(topic.name, toOverrides(Object.entries(next).map(([name, value]) => ({ name, value }))));
    return { ...base, errorCode: 0, errorMessage: null };
  });
}

function applyOp(
  deps: ConfigAdminDeps,
  next: Record<string, string>,
  c: { name: string; op: number; value: string | null },
): string | null {
  const def = configDef(c.name);
  if (!def)
    return `unsupported topic config "${c.name}" (supported: ${TOPIC_CONFIG_DEFS.map((d) => d.name).join(', ')})`;
  switch (c.op) {
    case AlterOp.SET:
      if (c.value === null) return `config "${c.name}" has a null value`;
      next[c.name] = c.value;
      return null;
    case AlterOp.DELETE:
      delete next[c.name];
      return null;
    case AlterOp.APPEND:
    case AlterOp.SUBTRACT: {
      if (def.type !== 'list') return `${c.name} is not a list: APPEND and SUBTRACT do not apply`;
      if (c.value === null) return `config "${c.name}" has a null value`;
      const current = next[c.name] ?? formatValue(topicDefaults(deps.config)[def.key]);
      const items = new Set(parseCleanupPolicy(current));
      for (const item of c.value.split(',').map((s) => s.trim())) {
        if (c.op === AlterOp.APPEND) items.add(item as 'delete' | 'compact');
        else items.delete(item as 'delete' | 'compact');
      }
      next[c.name] = [...items].join(',');
      return null;
    }
    default:
      return `unknown operation ${c.op} for "${c.name}" (0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT)`;
  }
}
