import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { defaultCredentials, registryClients } from '@keel/clients';
import { startServiceProcess, type ServiceProcess } from '@keel/testing';

// Certificates made at test time with openssl: a CA, a server certificate for 127.0.0.1, a client certificate.
function makeCertificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=keel-test-ca',
  );
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const who of ['server', 'client']) {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
      '-subj',
      `/CN=keel-${who}`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${who}.pem`,
      '-days',
      '1',
      ...(who === 'server' ? ['-extfile', 'server.ext'] : []),
    );
  }
  return {
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
  };
}

function httpsStatus(url: string, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

describe("TLS and mutual TLS on a service's gRPC and HTTP ports", () => {
  let dir: string;
  let certs: ReturnType<typeof makeCertificates>;
  let svc: ServiceProcess;
  let client: { ca: Buffer; cert: Buffer; key: Buffer };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-tls-'));
    certs = makeCertificates(dir);
    client = { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };
    svc = await startServiceProcess('registry', {
      env: {
        KEEL_TLS_CERT: certs.serverCert,
        KEEL_TLS_KEY: certs.serverKey,
        KEEL_TLS_CA: certs.ca,
        KEEL_TLS_CLIENT_AUTH: 'true',
      },
      ready: async (h) => (await httpsStatus(`https://127.0.0.1:${h.httpPort}/readyz`, client).catch(() => 0)) === 200,
    });
  }, 60_000);
  afterAll(async () => {
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should answer HTTPS with a client certificate and refuse clients without one or over plain HTTP', async () => {
    expect(await httpsStatus(`https://127.0.0.1:${svc.httpPort}/healthz`, client)).toBe(200);
    await expect(httpsStatus(`https://127.0.0.1:${svc.httpPort}/healthz`, { ca: client.ca })).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${svc.httpPort}/healthz`)).rejects.toThrow();
    expect(svc.output()).toContain('"tls":"mutual"');
  });

  it('should serve gRPC to a client presenting a certificate from KEEL_TLS_* and refuse plaintext or anonymous TLS', async () => {
    const env = { KEEL_TLS_CA: certs.ca, KEEL_TLS_CERT: certs.clientCert, KEEL_TLS_KEY: certs.clientKey };
    const ok = registryClients(svc.grpcAddress, { credentials: defaultCredentials(env), deadlineMs: 5000 });
    await expect(ok.models.ListRegisteredModels({})).resolves.toMatchObject({ models: [] });

    const anonymous = registryClients(svc.grpcAddress, {
      credentials: grpc.credentials.createSsl(client.ca),
      deadlineMs: 5000,
    });
    await expect(anonymous.models.ListRegisteredModels({})).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
    const plain = registryClients(svc.grpcAddress, {
      credentials: grpc.credentials.createInsecure(),
      deadlineMs: 5000,
    });
    await expect(plain.models.ListRegisteredModels({})).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });
});
