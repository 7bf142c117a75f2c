// Webhook targets must be public addresses: private, loopback, link-local, CGNAT, multicast and other
// special ranges are refused unless an operator allow-listed the host or a CIDR. The check runs on the
// addresses the name resolves to, and the request is then pinned to the checked address (no rebinding).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const BLOCKED_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
];

const blocked = new BlockList();
for (const [a, p] of BLOCKED_V4) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of BLOCKED_V6) blocked.addSubnet(a, p, 'ipv6');

export class SsrfError extends Error {
  override readonly name = 'SsrfError';
}

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isPublicAddress(address: string): boolean {
  const n = normalise(address);
  return !blocked.check(n.address, n.family);
}

export class AddressPolicy {
  private readonly allowedNets = new BlockList();
  private readonly allowedHosts = new Set<string>();

  /** Entries: host names, IP addresses or CIDRs (e.g. `hooks.internal`, `127.0.0.1`, `10.1.0.0/16`). */
  constructor(allow: string[] = []) {
    for (const raw of allow) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      const [addr, bits] = entry.split('/');
      const kind = isIP(addr!);
      if (kind === 0) this.allowedHosts.add(entry);
      else if (bits === undefined) this.allowedNets.addAddress(addr!, kind === 6 ? 'ipv6' : 'ipv4');
      else this.allowedNets.addSubnet(addr!, Number(bits), kind === 6 ? 'ipv6' : 'ipv4');
    }
  }

  private allowedAddress(address: string): boolean {
    const n = normalise(address);
    return this.allowedNets.check(n.address, n.family);
  }

  /** Resolves the URL's host and returns the address to connect to, or throws SsrfError saying why. */
  async resolve(url: URL): Promise<{ address: string; family: 4 | 6 }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new SsrfError(`webhook URL must be http or https, not ${url.protocol}`);
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const hostAllowed = this.allowedHosts.has(host);
    const literal = isIP(host);
    const addresses = literal
      ? [{ address: host, family: literal as 4 | 6 }]
      : ((await lookup(host, { all: true, verbatim: true })) as { address: string; family: 4 | 6 }[]);
    if (addresses.length === 0) throw new SsrfError(`webhook host ${host} does not resolve`);
    for (const a of addresses) {
      if (!hostAllowed && !isPublicAddress(a.address) && !this.allowedAddress(a.address))
        throw new SsrfError(
          `webhook host ${host} resolves to ${a.address}, a private or special address; allow-list it in KEEL_MONITORING_WEBHOOK_ALLOW to use it`,
        );
    }
    return addresses[0]!;
  }
}
