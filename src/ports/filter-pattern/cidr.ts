// `cidr` operator: IPv4 and IPv6 ranges, matched by node:net's BlockList (it parses addresses and masks prefixes).
// Families stay apart: BlockList alone would let the IPv4-mapped ::ffff:10.0.0.1 match 10.0.0.0/8 (and 10.0.0.1
// match ::ffff:0:0/96); a pattern names one family, and a value of the other family does not match it.
import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

export interface CidrRange {
  family: Family;
  list: BlockList;
}

/** The family of a plain address; undefined for anything else (including a zone id such as fe80::1%eth0). */
function familyOf(s: string): Family | undefined {
  if (s.includes('%')) return undefined;
  const v = isIP(s);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/** Parse `10.0.0.0/24` or `2001:db8::/32`; returns an error message instead of throwing. */
export function parseCidr(s: string): CidrRange | string {
  const slash = s.indexOf('/');
  if (slash < 0) return 'must be an address and a prefix length, e.g. "10.0.0.0/24"';
  const address = s.slice(0, slash);
  const family = familyOf(address);
  if (!family) return `"${address}" is not an IPv4 or IPv6 address`;
  const bitsText = s.slice(slash + 1);
  const max = family === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) return `prefix length must be 0..${max}`;
  const list = new BlockList();
  list.addSubnet(address, Number(bitsText), family);
  return { family, list };
}

export function cidrMatches(range: CidrRange, value: string): boolean {
  return familyOf(value) === range.family && range.list.check(value, range.family);
}
