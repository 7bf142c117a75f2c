import { readOtelEnv } from './otel-env';

describe('readOtelEnv', () => {
  it('should not export and sample parent-based always-on when nothing is set', () => {
    expect(readOtelEnv({})).toEqual({
      disabled: false,
      otlp: undefined,
      console: false,
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      serviceName: undefined,
      resourceAttributes: {},
      problems: [],
    });
  });

  it.each([
    // [env, expected url, expected protocol]
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'http://c:4318/v1/traces', 'http/protobuf'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }, 'http://c:4318/v1/traces', 'http/protobuf'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c/base' }, 'https://c/base/v1/traces', 'http/protobuf'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      'http://c:4318/v1/traces',
      'http/json',
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'http://c:4317', 'grpc'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:9/custom' }, 'http://t:9/custom', 'http/protobuf'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/x' },
      'http://t:4318/x',
      'http/protobuf',
    ],
    [
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      },
      'http://c:4317',
      'grpc',
    ],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'http://localhost:4318/v1/traces', 'http/protobuf'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'http://localhost:4317', 'grpc'],
  ])('should export to the URL the specification derives when %j', (env, url, protocol) => {
    const otel = readOtelEnv(env);
    expect(otel.problems).toEqual([]);
    expect(otel.otlp).toEqual({ url, protocol });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, false, false],
    [{ OTEL_TRACES_EXPORTER: 'console' }, false, true],
    [{ OTEL_TRACES_EXPORTER: 'console,otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, true, true],
  ])('should pick the exporters OTEL_TRACES_EXPORTER names when %j', (env, otlp, console) => {
    const otel = readOtelEnv(env);
    expect(Boolean(otel.otlp)).toBe(otlp);
    expect(otel.console).toBe(console);
  });

  it.each([
    [{}, 'parentbased_always_on', 1],
    [{ OTEL_TRACES_SAMPLER: 'always_off' }, 'always_off', 1],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, 'traceidratio', 0.25],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, 'parentbased_traceidratio', 0],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' }, 'parentbased_traceidratio', 1],
    [{ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'ignored' }, 'always_on', 1],
  ])('should read the sampler when %j', (env, name, ratio) => {
    const otel = readOtelEnv(env);
    expect(otel.problems).toEqual([]);
    expect(otel.sampler).toEqual({ name, ratio });
  });

  it('should decode resource attributes and let OTEL_SERVICE_NAME win over service.name', () => {
    const attrs = 'service.name=from-attrs, deployment.environment.name=prod,team=ml%20ops%2Cplatform';
    expect(readOtelEnv({ OTEL_RESOURCE_ATTRIBUTES: attrs })).toMatchObject({
      serviceName: 'from-attrs',
      resourceAttributes: { 'deployment.environment.name': 'prod', team: 'ml ops,platform' },
    });
    expect(readOtelEnv({ OTEL_RESOURCE_ATTRIBUTES: attrs, OTEL_SERVICE_NAME: 'svc' }).serviceName).toBe('svc');
  });

  it.each(['TRUE', 'true', ' true '])('should disable the SDK when OTEL_SDK_DISABLED=%j', (v) => {
    expect(readOtelEnv({ OTEL_SDK_DISABLED: v }).disabled).toBe(true);
  });

  it.each(['false', 'FALSE', ''])('should keep the SDK on without a warning when OTEL_SDK_DISABLED=%j', (v) => {
    expect(readOtelEnv({ OTEL_SDK_DISABLED: v })).toMatchObject({ disabled: false, problems: [] });
  });

  it('should treat an empty variable as unset, as the specification says', () => {
    expect(
      readOtelEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_PROTOCOL: ' ',
        OTEL_TRACES_SAMPLER: '',
        OTEL_SERVICE_NAME: '',
        OTEL_RESOURCE_ATTRIBUTES: '',
      }),
    ).toEqual(readOtelEnv({}));
  });

  it('should take OTEL_SERVICE_NAME alone, without resource attributes', () => {
    expect(readOtelEnv({ OTEL_SERVICE_NAME: 'keel-edge' })).toMatchObject({ serviceName: 'keel-edge', problems: [] });
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, 'parentbased_always_off', 1],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' }, 'traceidratio', 1],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '-0.1' }, 'traceidratio', 1],
  ])('should bound the sampler when %j', (env, name, ratio) => {
    expect(readOtelEnv(env).sampler).toEqual({ name, ratio });
  });

  it('should use the traces endpoint as it is for gRPC too', () => {
    const otel = readOtelEnv({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(otel.otlp).toEqual({ protocol: 'grpc', url: 'https://collector.example:4317' });
  });

  it('should list every invalid value and fall back to the defaults when the settings are wrong', () => {
    const otel = readOtelEnv({
      OTEL_SDK_DISABLED: 'yes',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_RESOURCE_ATTRIBUTES: 'good=1,broken,team=x',
      OTEL_TRACES_EXPORTER: 'otlp,zipkin',
    });
    expect(otel.problems).toEqual([
      'OTEL_SDK_DISABLED: must be true or false, got "yes"; using false',
      'OTEL_RESOURCE_ATTRIBUTES: "broken" is not key=percent-encoded-value; the variable is ignored',
      'OTEL_TRACES_SAMPLER_ARG: must be a probability in [0, 1], got "1.5"; using 1.0',
      'OTEL_TRACES_EXPORTER: "zipkin" is not supported (otlp, console, none); ignored',
      'OTEL_EXPORTER_OTLP_PROTOCOL: must be one of http/protobuf, http/json, grpc, got "thrift"; using http/protobuf',
    ]);
    expect(otel).toMatchObject({
      disabled: false,
      resourceAttributes: {},
      sampler: { name: 'parentbased_traceidratio', ratio: 1 },
      otlp: { protocol: 'http/protobuf', url: 'http://c:4318/v1/traces' },
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, 'OTEL_TRACES_SAMPLER'],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'k=%E0%A4%A' }, 'OTEL_RESOURCE_ATTRIBUTES'],
  ])('should name the variable when %j is invalid', (env, variable) => {
    const { problems } = readOtelEnv(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });
});
