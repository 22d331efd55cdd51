import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Whether `address` is a public unicast IP we may fetch untrusted media from. Refuses private,
 * loopback, link-local, unique-local, multicast, reserved, unspecified, carrier-grade NAT and
 * documentation ranges, IPv4-mapped/compatible forms of those, NAT64, 6to4 and Teredo (which embed
 * an IPv4 address), and anything that does not parse.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // Zone ids (`fe80::1%eth0`) only occur on link-local addresses.
  if (bare.includes('%') || !ipaddr.isValid(bare)) return false;
  const parsed = ipaddr.process(bare); // ::ffff:10.0.0.1 -> 10.0.0.1
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  return v6.match(GLOBAL_UNICAST_V6) && v6.range() === 'unicast';
}

/**
 * Wraps a DNS lookup so that only public addresses come out of it (`all` or not); when none is
 * left, the lookup fails with `refused()`, so the socket never connects.
 */
export function publicOnlyLookup(base: LookupFunction, refused: () => Error): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (err, result, family) => {
      if (err) return callback(err, '', 0);
      const all = Array.isArray(result) ? result : [{ address: result, family: family ?? isIP(result) }];
      const allowed = all.filter((entry) => isPublicAddress(entry.address));
      const first = allowed[0];
      if (first === undefined) return callback(refused() as NodeJS.ErrnoException, '', 0);
      if (options.all) return callback(null, allowed);
      return callback(null, first.address, first.family);
    });
  };
}
