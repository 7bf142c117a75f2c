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

describe('loadConfig limits', () => {
  it('should refuse a segment size past the 32-bit index positions with the reason when it is too large', () => {
    let err: unknown;
    try {
      loadConfig(['--segment-bytes', '3000000000', '--cleanup-policy', 'shred'], {});
    } catch (e) {
      err = e;
    }
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/--segment-bytes="3000000000": must be at most 2147483647 .*32-bit/);
    expect(problems).toMatch(/--cleanup-policy="shred"/);
    expect(loadConfig(['--segment-bytes', '2147483647'], {}).segmentBytes).toBe(2147483647);
  });

  it('should parse the topic defaults when they are given as flags', () => {
    const c = loadConfig(['--cleanup-policy', 'compact,delete', '--segment-ms', '5000', '--advertised-port', '1'], {});
    expect(c).toMatchObject({ cleanupPolicy: ['compact', 'delete'], segmentMs: 5000, advertisedPort: 1 });
  });
});
