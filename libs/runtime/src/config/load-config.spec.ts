import { ConfigError, loadConfig, redactConfig, settingsTable } from './load-config';
import { kafkaConfigCheck } from './kafka-settings';
import { serviceSettings } from './service-settings';
import { setting } from './settings';

const settings = {
  ...serviceSettings('registry', { grpc: 50051, http: 9101 }),
  fsync: setting.bool('KEEL_FSYNC', true, 'fsync each write'),
};

describe('loadConfig', () => {
  it('should apply every default when no variable is set', () => {
    const config = loadConfig('registry', settings, {});
    expect(config).toEqual({
      host: '127.0.0.1',
      grpcPort: 50051,
      httpPort: 9101,
      dataDir: '.keel',
      databaseUrl: undefined,
      logLevel: 'info',
      grpcMaxMessageBytes: 64 * 1024 * 1024,
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 60_000,
      shutdownTimeoutMs: 8000,
      kafkaBrokers: ['127.0.0.1:9092'],
      kafkaSsl: false,
      kafkaSslCaFile: undefined,
      kafkaSslRejectUnauthorized: true,
      kafkaSaslMechanism: undefined,
      kafkaSaslUsername: undefined,
      kafkaSaslPassword: undefined,
      kafkaTopicPartitions: 3,
      tlsCert: undefined,
      tlsKey: undefined,
      tlsCa: undefined,
      tlsClientAuth: false,
      auth: undefined,
      authCacheMs: 15_000,
      authOpen: ['health', 'metrics'],
      token: undefined,
      fsync: true,
    });
  });

  it('should parse typed values when variables are set', () => {
    const config = loadConfig('registry', settings, {
      KEEL_REGISTRY_GRPC_PORT: '6000',
      KEEL_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      KEEL_KAFKA_BROKERS: 'a:1, b:2',
      KEEL_FSYNC: 'no',
    });
    expect(config.grpcPort).toBe(6000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(config.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(config.fsync).toBe(false);
  });

  it('should list every bad variable at once when several are wrong', () => {
    const env = {
      KEEL_REGISTRY_GRPC_PORT: 'abc',
      KEEL_REGISTRY_HTTP_PORT: '70000',
      KEEL_LOG_LEVEL: 'loud',
      KEEL_DATABASE_URL: 'mysql://u:secret@h/db',
      KEEL_KAFKA_BROKERS: 'nohost',
    };
    let error: ConfigError | undefined;
    try {
      loadConfig('registry', settings, env);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'KEEL_REGISTRY_GRPC_PORT: must be a TCP port number 0-65535, got "abc"',
      'KEEL_REGISTRY_HTTP_PORT: must be a TCP port number 0-65535',
      'KEEL_DATABASE_URL: must be a URL starting with postgres:// or postgresql:// (value redacted)',
      'KEEL_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, got "loud"',
      'KEEL_KAFKA_BROKERS: each item must be host:port',
    ]);
    expect(error!.message).not.toContain('secret');
  });

  it('should hide secrets when the config is prepared for logging', () => {
    const config = loadConfig('registry', settings, { KEEL_DATABASE_URL: 'postgres://u:pw@h/db' });
    expect(redactConfig(settings, config)['databaseUrl']).toBe('[redacted]');
  });

  it('should document each variable with its default when rendering the table', () => {
    const table = settingsTable(settings);
    expect(table).toContain(
      '| `KEEL_REGISTRY_GRPC_PORT` | `50051` | gRPC port of the registry service (0 picks a free one). |',
    );
    expect(table).toContain('| `KEEL_DATABASE_URL` | — |');
  });
});

describe('the Kafka block of every service', () => {
  it('should report the SASL rule once every variable parsed when a mechanism lacks its password', () => {
    const settings = serviceSettings('training', { grpc: 1, http: 2 });
    expect(() =>
      loadConfig('training', settings, { KEEL_KAFKA_SASL_MECHANISM: 'plain', KEEL_KAFKA_SASL_USERNAME: 'u' }, [
        kafkaConfigCheck,
      ]),
    ).toThrow(
      expect.objectContaining({
        problems: ['KEEL_KAFKA_SASL_USERNAME: SASL needs both KEEL_KAFKA_SASL_USERNAME and KEEL_KAFKA_SASL_PASSWORD'],
      }),
    );
    const ok = loadConfig('training', settings, {
      KEEL_KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KEEL_KAFKA_SASL_USERNAME: 'u',
      KEEL_KAFKA_SASL_PASSWORD: 'p',
    });
    expect(redactConfig(settings, ok)['kafkaSaslPassword']).toBe('[redacted]');
  });
});
