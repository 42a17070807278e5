// `cidr` operator: IPv4 and IPv6 ranges. Addresses are parsed to bytes so both families share one comparison.

export interface CidrRange {
  bytes: Uint8Array;
  prefixBits: number;
}

export function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

export function parseIPv6(s: string): Uint8Array | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  let text = s;
  const tail: number[] = [];
  // An embedded IPv4 address in the last 32 bits (::ffff:10.0.0.1).
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    // Keep a trailing "::", drop a single trailing ":".
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const groups: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
  } else {
    if (given !== 8) return undefined;
    groups = [...head, ...tail];
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

export function parseIp(s: string): Uint8Array | undefined {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s);
}

/** Parse `10.0.0.0/24` or `2001:db8::/32`; returns an error message instead of throwing. */
export function parseCidr(s: string): CidrRange | string {
  const slash = s.indexOf('/');
  if (slash < 0) return 'must be an address and a prefix length, e.g. "10.0.0.0/24"';
  const bytes = parseIp(s.slice(0, slash));
  if (!bytes) return `"${s.slice(0, slash)}" is not an IPv4 or IPv6 address`;
  const bitsText = s.slice(slash + 1);
  const max = bytes.length * 8;
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) return `prefix length must be 0..${max}`;
  return { bytes, prefixBits: Number(bitsText) };
}

export function cidrContains(range: CidrRange, ip: Uint8Array): boolean {
  if (ip.length !== range.bytes.length) return false;
  let bits = range.prefixBits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}
