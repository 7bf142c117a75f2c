import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServiceProcess, waitFor } from '@keel/testing';

// A real OTLP/HTTP receiver on 127.0.0.1: the service must export its spans there when
// OTEL_EXPORTER_OTLP_ENDPOINT is set (as it would to Jaeger or an OpenTelemetry Collector).
describe('OTLP trace export', () => {
  it('should export server spans with the service name when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const bodies: { path: string; type: string; body: Buffer }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as AddressInfo;
    const svc = await startServiceProcess('registry', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    try {
      const res = await fetch(`${svc.httpUrl}/no-such-page`);
      expect(res.status).toBe(404);
      const batch = await waitFor(() => bodies.find((b) => b.path === '/v1/traces'), {
        timeoutMs: 10_000,
        what: 'an OTLP export',
      });
      expect(batch.type).toBe('application/x-protobuf');
      const text = batch.body.toString('latin1');
      expect(text).toContain('keel-registry');
      expect(text).toContain('GET');
    } finally {
      await svc.stop();
      collector.close();
    }
  });
});
