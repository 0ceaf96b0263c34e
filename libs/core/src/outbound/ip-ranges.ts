import { BlockList, isIP } from 'node:net';

/**
 * IPv4 ranges that are not the public internet: "this network", private (RFC 1918), CGNAT,
 * loopback, link-local (cloud metadata lives at 169.254.169.254), IETF protocol assignments,
 * documentation, the 6to4 relay, benchmarking, multicast, reserved and broadcast.
 */
const NON_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

/**
 * IPv6 ranges that are not the public internet: unspecified, loopback, discard, ORCHID,
 * benchmarking, documentation, local-use NAT64, unique local (ULA), link-local, the deprecated
 * site-local, multicast, and Teredo (whose embedded address is obfuscated, so never trusted).
 * Ranges that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
 */
const NON_PUBLIC_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001::', 32],
  ['2001:2::', 48],
  ['2001:10::', 28],
  ['2001:20::', 28],
  ['2001:db8::', 32],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const NON_PUBLIC = new BlockList();
for (const [net, bits] of NON_PUBLIC_V4) NON_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of NON_PUBLIC_V6) NON_PUBLIC.addSubnet(net, bits, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (any spelling, a trailing dotted quad included). */
export function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/^\[|\]$/g, '');
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIP(text) !== 6) return undefined;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const missing = 8 - front.length - back.length;
  return [...front, ...new Array<number>(Math.max(0, missing)).fill(0), ...back];
}

function v4FromGroups(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address carries, when it is one of the forms that reach an IPv4 host:
 * IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and
 * 6to4 (`2002:AABB:CCDD::`).
 */
export function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return undefined;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4FromGroups(g[6]!, g[7]!);
  if (zeros(0, 6) && (g[6]! !== 0 || g[7]! > 1)) return v4FromGroups(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4FromGroups(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4FromGroups(g[1]!, g[2]!);
  return undefined;
}

/** The address without brackets or an IPv6 zone, or undefined when it is not an IP literal. */
export function ipLiteral(host: string): string | undefined {
  const bare = host.replace(/^\[|\]$/g, '');
  const noZone = bare.includes('%') ? bare.slice(0, bare.indexOf('%')) : bare;
  return isIP(noZone) ? noZone : undefined;
}

/**
 * True when `address` is on the public internet: not loopback, private, link-local, CGNAT,
 * multicast, reserved, documentation or unspecified, in any spelling (IPv4-mapped IPv6
 * included). Anything that is not an IP address is not public.
 */
export function isPublicAddress(address: string): boolean {
  const literal = ipLiteral(address);
  if (!literal) return false;
  if (isIP(literal) === 4) return !NON_PUBLIC.check(literal, 'ipv4');
  const v4 = embeddedIpv4(literal);
  if (v4 !== undefined) return !NON_PUBLIC.check(v4, 'ipv4');
  return !NON_PUBLIC.check(literal, 'ipv6');
}

/** A CIDR range (`10.0.0.0/8`, `fd00::/8`, or one address), parsed; undefined when it is not one. */
export function parseCidr(
  text: string,
): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, bits, extra] = text.split('/');
  if (extra !== undefined || !address) return undefined;
  const family = isIP(address);
  if (family === 0) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return undefined;
  return { network: address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

/** A set of CIDR ranges that also matches an IPv6 address by the IPv4 address it embeds. */
export class AddressRanges {
  private readonly list = new BlockList();
  private count = 0;

  add(cidr: { network: string; prefix: number; family: 'ipv4' | 'ipv6' }): void {
    this.list.addSubnet(cidr.network, cidr.prefix, cidr.family);
    this.count++;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  has(address: string): boolean {
    if (this.count === 0) return false;
    const literal = ipLiteral(address);
    if (!literal) return false;
    if (isIP(literal) === 4) return this.list.check(literal, 'ipv4');
    if (this.list.check(literal, 'ipv6')) return true;
    const v4 = embeddedIpv4(literal);
    return v4 !== undefined && this.list.check(v4, 'ipv4');
  }
}
