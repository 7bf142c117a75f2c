import { ApiKey, SUPPORTED_VERSIONS, isSupported } from './api-keys';

// First flexible version of each API, from the Kafka protocol guide.
const FIRST_FLEXIBLE: Record<ApiKey, number> = {
  [ApiKey.Produce]: 9,
  [ApiKey.Fetch]: 12,
  [ApiKey.ListOffsets]: 6,
  [ApiKey.Metadata]: 9,
  [ApiKey.OffsetCommit]: 8,
  [ApiKey.OffsetFetch]: 6,
  [ApiKey.FindCoordinator]: 3,
  [ApiKey.JoinGroup]: 6,
  [ApiKey.Heartbeat]: 4,
  [ApiKey.LeaveGroup]: 4,
  [ApiKey.SyncGroup]: 4,
  [ApiKey.DescribeGroups]: 5,
  [ApiKey.ListGroups]: 3,
  [ApiKey.ApiVersions]: 3,
  [ApiKey.CreateTopics]: 5,
  [ApiKey.DeleteTopics]: 4,
  [ApiKey.DeleteRecords]: 2,
  [ApiKey.InitProducerId]: 2,
  [ApiKey.DescribeConfigs]: 4,
  [ApiKey.AlterConfigs]: 2,
  [ApiKey.CreatePartitions]: 2,
  [ApiKey.DeleteGroups]: 2,
  [ApiKey.IncrementalAlterConfigs]: 1,
  [ApiKey.OffsetDelete]: 1, // v0 only, not flexible; the flexible v1 came later
};

describe('advertised API versions', () => {
  it('should stay below every first flexible version when advertised', () => {
    for (const [key, range] of SUPPORTED_VERSIONS) {
      expect({ key, max: range.max, below: range.max < FIRST_FLEXIBLE[key] }).toEqual({
        key,
        max: range.max,
        below: true,
      });
    }
  });

  it('should cover what the clients need when they negotiate', () => {
    // kafkajs has no OffsetFetch v0; librdkafka needs RecordBatch (Produce >= 3, Fetch >= 4) and group APIs at v0.
    expect(SUPPORTED_VERSIONS.get(ApiKey.OffsetFetch)?.min).toBe(1);
    expect(isSupported(ApiKey.Produce, 3) && isSupported(ApiKey.Produce, 7)).toBe(true);
    expect(isSupported(ApiKey.Produce, 2)).toBe(false);
    expect(isSupported(ApiKey.Fetch, 4) && isSupported(ApiKey.Fetch, 11)).toBe(true);
    for (const key of [
      ApiKey.FindCoordinator,
      ApiKey.JoinGroup,
      ApiKey.SyncGroup,
      ApiKey.Heartbeat,
      ApiKey.LeaveGroup,
    ]) {
      expect(isSupported(key, 0)).toBe(true);
    }
    expect(isSupported(999, 0)).toBe(false);
  });
});
