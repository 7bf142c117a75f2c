import { createHmac } from 'node:crypto';
import { AddressPolicy, SsrfError, isPublicAddress } from './ssrf-guard';
import { signPayload, verifySignature } from './signature';

describe('webhook signatures', () => {
  it('should sign "<id>.<timestamp>.<body>" with HMAC-SHA256 as MLflow does', () => {
    const expected = createHmac('sha256', 's3cret').update('d1.1700000000.{"a":1}').digest('base64');
    expect(signPayload('s3cret', 'd1', 1700000000, '{"a":1}')).toBe(`v1,${expected}`);
  });

  it('should verify a good signature and refuse a changed body, another secret or a stale timestamp', () => {
    const signature = signPayload('k', 'd1', 1000, 'body');
    const h = { signature, deliveryId: 'd1', timestamp: '1000' };
    expect(verifySignature('k', h, 'body', 1000)).toBe(true);
    expect(verifySignature('k', h, 'body!', 1000)).toBe(false);
    expect(verifySignature('other', h, 'body', 1000)).toBe(false);
    expect(verifySignature('k', h, 'body', 1000 + 301)).toBe(false);
  });
});

describe('SSRF guard', () => {
  it('should classify private, loopback, link-local and mapped addresses as not public', () => {
    for (const a of ['127.0.0.1', '10.2.3.4', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0'])
      expect(isPublicAddress(a)).toBe(false);
    for (const a of ['::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::']) expect(isPublicAddress(a)).toBe(false);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPublicAddress(a)).toBe(true);
  });

  it('should refuse loopback and metadata addresses unless allow-listed by address, CIDR or host name', async () => {
    const strict = new AddressPolicy();
    await expect(strict.resolve(new URL('http://127.0.0.1:9/x'))).rejects.toThrow(SsrfError);
    await expect(strict.resolve(new URL('http://169.254.169.254/latest'))).rejects.toThrow(/private or special/);
    await expect(strict.resolve(new URL('http://localhost/x'))).rejects.toThrow(SsrfError);
    await expect(strict.resolve(new URL('ftp://example.com/x'))).rejects.toThrow(/http or https/);
    await expect(new AddressPolicy(['127.0.0.1']).resolve(new URL('http://127.0.0.1/x'))).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
    await expect(new AddressPolicy(['10.0.0.0/8']).resolve(new URL('http://10.9.8.7/x'))).resolves.toMatchObject({
      address: '10.9.8.7',
    });
    await expect(new AddressPolicy(['localhost']).resolve(new URL('http://localhost/x'))).resolves.toBeDefined();
  });
});
