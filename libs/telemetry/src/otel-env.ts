// The OpenTelemetry SDK environment variables, read as the specification says
// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/ and the OTLP
// exporter's endpoint rules). Pure: env in, settings and problems out. As the specification asks, an
// invalid value is reported and the default is used instead, so a telemetry typo never stops a service.
// One deliberate difference: Keel exports only when an endpoint or OTEL_TRACES_EXPORTER is set, so the
// embedded platform never sends spans to a localhost:4318 nobody listens on.

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface OtlpExport {
  protocol: OtlpProtocol;
  /** The full URL spans are sent to (…/v1/traces for HTTP, the server address for gRPC). */
  url: string;
}

export interface OtelEnv {
  /** OTEL_SDK_DISABLED=true: no provider, no instrumentation, no export. */
  disabled: boolean;
  /** Where spans are exported over OTLP; undefined when they are not. */
  otlp?: OtlpExport;
  /** OTEL_TRACES_EXPORTER includes `console`. */
  console: boolean;
  sampler: { name: SamplerName; ratio: number };
  /** OTEL_SERVICE_NAME, else service.name from OTEL_RESOURCE_ATTRIBUTES. */
  serviceName?: string;
  /** OTEL_RESOURCE_ATTRIBUTES, percent-decoded. */
  resourceAttributes: Record<string, string>;
  /** One "VARIABLE: problem" line per ignored value. */
  problems: string[];
}

const DEFAULT_HTTP_ENDPOINT = 'http://localhost:4318';
const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';

export function readOtelEnv(env: NodeJS.ProcessEnv): OtelEnv {
  const problems: string[] = [];
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  const disabled = readBoolean('OTEL_SDK_DISABLED', get('OTEL_SDK_DISABLED'), problems);
  const { attributes, serviceName: fromAttributes } = readResourceAttributes(get('OTEL_RESOURCE_ATTRIBUTES'), problems);
  const sampler = readSampler(get('OTEL_TRACES_SAMPLER'), get('OTEL_TRACES_SAMPLER_ARG'), problems);
  const exporters = readExporters(get('OTEL_TRACES_EXPORTER'), problems);

  const protocolVar = get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : undefined;
  const protocolName = protocolVar ?? 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = readProtocol(protocolName, get(protocolName), problems);

  const tracesEndpoint = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = get('OTEL_EXPORTER_OTLP_ENDPOINT');
  let otlp: OtlpExport | undefined;
  const wantsOtlp = exporters.has('otlp') && (exporters.explicit || tracesEndpoint || endpoint);
  if (wantsOtlp) {
    const url = otlpUrl(protocol, tracesEndpoint, endpoint, problems);
    if (url) otlp = { protocol, url };
  }

  return {
    disabled,
    otlp,
    console: exporters.has('console'),
    sampler,
    serviceName: get('OTEL_SERVICE_NAME') ?? fromAttributes,
    resourceAttributes: attributes,
    problems,
  };
}

/**
 * The signal-specific endpoint is used as it is; the generic one gets `/v1/traces` appended for the HTTP
 * protocols (and is used as it is for gRPC); without either, the protocol's localhost default.
 */
function otlpUrl(
  protocol: OtlpProtocol,
  tracesEndpoint: string | undefined,
  endpoint: string | undefined,
  problems: string[],
): string | undefined {
  const [name, raw] = tracesEndpoint
    ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint]
    : ['OTEL_EXPORTER_OTLP_ENDPOINT', endpoint];
  if (raw === undefined) {
    return protocol === 'grpc' ? DEFAULT_GRPC_ENDPOINT : `${DEFAULT_HTTP_ENDPOINT}/v1/traces`;
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    problems.push(`${name}: "${raw}" is not a URL (e.g. http://collector:4318); spans are not exported`);
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    problems.push(`${name}: use an http:// or https:// URL, got "${raw}"; spans are not exported`);
    return undefined;
  }
  if (tracesEndpoint || protocol === 'grpc') return raw;
  return `${raw.replace(/\/+$/, '')}/v1/traces`;
}

function readProtocol(name: string, raw: string | undefined, problems: string[]): OtlpProtocol {
  if (raw === undefined) return 'http/protobuf';
  if ((OTLP_PROTOCOLS as readonly string[]).includes(raw)) return raw as OtlpProtocol;
  problems.push(`${name}: must be one of ${OTLP_PROTOCOLS.join(', ')}, got "${raw}"; using http/protobuf`);
  return 'http/protobuf';
}

function readBoolean(name: string, raw: string | undefined, problems: string[]): boolean {
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower !== 'false') problems.push(`${name}: must be true or false, got "${raw}"; using false`);
  return false;
}

function readSampler(
  rawName: string | undefined,
  rawArg: string | undefined,
  problems: string[],
): { name: SamplerName; ratio: number } {
  let name: SamplerName = 'parentbased_always_on';
  if (rawName !== undefined) {
    if ((SAMPLERS as readonly string[]).includes(rawName)) name = rawName as SamplerName;
    else {
      problems.push(`OTEL_TRACES_SAMPLER: must be one of ${SAMPLERS.join(', ')}, got "${rawName}"; using ${name}`);
    }
  }
  let ratio = 1;
  if (rawArg !== undefined && name.endsWith('traceidratio')) {
    const n = Number(rawArg);
    if (Number.isFinite(n) && n >= 0 && n <= 1) ratio = n;
    else problems.push(`OTEL_TRACES_SAMPLER_ARG: must be a probability in [0, 1], got "${rawArg}"; using 1.0`);
  }
  return { name, ratio };
}

function readExporters(raw: string | undefined, problems: string[]): Set<string> & { explicit: boolean } {
  const names = new Set<string>();
  for (const n of (raw ?? 'otlp').split(',').map((s) => s.trim().toLowerCase())) {
    if (n === 'otlp' || n === 'console' || n === 'none') names.add(n);
    else if (n !== '') problems.push(`OTEL_TRACES_EXPORTER: "${n}" is not supported (otlp, console, none); ignored`);
  }
  if (names.has('none')) names.clear();
  return Object.assign(names, { explicit: raw !== undefined });
}

/** `key1=value1,key2=value2` with percent-encoded values; any error discards the whole variable. */
function readResourceAttributes(
  raw: string | undefined,
  problems: string[],
): { attributes: Record<string, string>; serviceName?: string } {
  if (raw === undefined) return { attributes: {} };
  const attributes: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    let value: string | undefined;
    try {
      value = eq > 0 ? decodeURIComponent(pair.slice(eq + 1).trim()) : undefined;
    } catch {
      value = undefined;
    }
    if (!key || value === undefined) {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES: "${pair}" is not key=percent-encoded-value; the variable is ignored`);
      return { attributes: {} };
    }
    attributes[key] = value;
  }
  const { ['service.name']: serviceName, ...rest } = attributes;
  return { attributes: rest, serviceName };
}
