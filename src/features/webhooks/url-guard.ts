/**
 * SSRF guard for webhook URLs. A URL must be http(s) without credentials. Unless private targets
 * are allowed (WEBHOOK_ALLOW_PRIVATE, off in production), every address the host resolves to must
 * be public: not loopback, private (RFC 1918, ULA), link-local (cloud metadata lives at
 * 169.254.169.254), CGNAT, multicast or reserved. The check runs again at delivery time, on the
 * very addresses the socket connects to (see http-post.ts), so DNS rebinding cannot slip past it.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
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
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when `address` (an IP literal) is not a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:10.0.0.1) and IPv4-compatible forms reach the IPv4 address.
  const mapped =
    /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return blocked.check(mapped[1] as string, 'ipv4');
  const hexMapped = /^(?:0*:)*:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1] as string, 16);
    const lo = parseInt(hexMapped[2] as string, 16);
    return blocked.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return blocked.check(address, 'ipv6');
}

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

/** Parses and checks the form of a webhook URL (scheme, no credentials); throws UnsafeUrlError. */
export function parseWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UnsafeUrlError('The URL is not valid.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsafeUrlError('The URL must start with http:// or https://.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new UnsafeUrlError('The URL must not contain a user name or password.');
  }
  if (url.hostname === '') throw new UnsafeUrlError('The URL has no host.');
  return url;
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Resolves the URL's host and returns its addresses; with `allowPrivate` false, throws
 * UnsafeUrlError when any of them is not public (one bad address is enough to refuse).
 */
export async function resolvePublicAddresses(
  url: URL,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }[]> {
  const host = bareHost(url.hostname);
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new UnsafeUrlError(`The host "${host}" could not be resolved.`);
    }
  }
  if (addresses.length === 0) throw new UnsafeUrlError(`The host "${host}" has no address.`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) {
      throw new UnsafeUrlError(
        `The host "${host}" resolves to a private, loopback or link-local address (${bad.address}); webhooks must target public addresses.`,
      );
    }
  }
  return addresses;
}
