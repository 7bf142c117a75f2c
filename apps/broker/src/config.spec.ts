import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('should use the documented defaults when nothing is set', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({
      port: 9092,
      httpPort: 9100,
      host: '127.0.0.1',
      dataDir: '.keel/broker',
      nodeId: 1,
      advertisedHost: '127.0.0.1',
      autoCreateTopics: true,
      fsync: { kind: 'always' },
    });
  });

  it('should prefer flags over KEEL_BROKER_* variables when both are given', () => {
    const c = loadConfig(['--port', '1234', '--fsync=250', '--host', '0.0.0.0'], {
      KEEL_BROKER_PORT: '9999',
      KEEL_BROKER_AUTO_CREATE_TOPICS: 'false',
      KEEL_BROKER_DEFAULT_PARTITIONS: '3',
    });
    expect(c).toMatchObject({
      port: 1234,
      autoCreateTopics: false,
      defaultPartitions: 3,
      fsync: { kind: 'interval', ms: 250 },
    });
    expect(c.advertisedHost).toBe('127.0.0.1');
  });

  it('should list every problem when several values are bad', () => {
    let err: unknown;
    try {
      loadConfig(['--port', 'abc', '--bogus', '--fsync', 'sometimes'], { KEEL_BROKER_NODE_ID: '-1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/--port="abc"/);
    expect(problems).toMatch(/unknown argument "--bogus"/);
    expect(problems).toMatch(/--fsync="sometimes"/);
    expect(problems).toMatch(/KEEL_BROKER_NODE_ID="-1"/);
  });
});
