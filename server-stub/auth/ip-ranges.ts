// Decides whether a client address is inside an integration's allowedIpRanges. IPv4, IPv6 and IPv4-mapped IPv6
// (::ffff:a.b.c.d) all work, in addresses and in ranges: mapped forms are compared as the IPv4 they carry.
import { isIPv4, isIPv6 } from "node:net";
import ipaddr from "ipaddr.js";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

// Every authenticated request parses the caller's address and its integration's ranges: the same few strings
// each time, and ipaddr.js is slow at it (it tries IPv6 first and throws for IPv4). Parsed results are kept,
// up to a bound; nothing mutates them.
const MAX_PARSED = 1_000;

function remembered<T>(parse: (text: string) => T): (text: string) => T {
  const parsed = new Map<string, T>();
  return (text) => {
    if (parsed.has(text)) return parsed.get(text) as T;
    const result = parse(text);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, result);
    return result;
  };
}

/**
 * Whether a CIDR is written in standard text: dotted-quad IPv4 in plain decimal (no zero-padded, hex, octal or
 * short-form octets, which parsers read differently: 010.0.0.0 is 8.0.0.0 to some), or IPv6 text without a zone,
 * and a plain decimal prefix length. Node's isIP checks are exactly these forms.
 */
export function isCanonicalCidr(cidr: string): boolean {
  const [address, bits, ...rest] = cidr.split("/");
  if (rest.length > 0 || bits === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  return isIPv4(address) || (isIPv6(address) && !address.includes("%"));
}

/**
 * The range, normalised (an IPv4-mapped IPv6 range becomes its IPv4 range), or null if it is not a CIDR in
 * standard text (a range stored before that rule matches nothing until it is rewritten).
 */
export const parseCidr = remembered((cidr: string): Range | null => {
  if (!isCanonicalCidr(cidr)) return null;
  try {
    const [address, bits] = ipaddr.parseCIDR(cidr);
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
      if (bits < 96) return null;
      return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
    }
    return [address, bits];
  } catch {
    return null;
  }
});

/** The address as ipaddr sees it, IPv4-mapped IPv6 turned into IPv4; null if unparseable. */
export const parseAddress = remembered((address: string): ipaddr.IPv4 | ipaddr.IPv6 | null => {
  try {
    return ipaddr.process(address);
  } catch {
    return null;
  }
});

export function isAddressInRanges(address: string, ranges: string[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return ranges.some((cidr) => {
    const range = parseCidr(cidr);
    return range !== null && range[0].kind() === parsed.kind() && parsed.match(range);
  });
}

/** The address in one canonical text form (IPv4-mapped as IPv4, IPv6 compressed), so equal addresses compare equal. */
export const canonicalAddress = remembered((address: string): string => parseAddress(address)?.toString() ?? address);

/**
 * Who is counted as one source by rate limits: an IPv4 address, or an IPv6 /64 (one host or site usually holds a
 * whole /64, and could otherwise step through it to dodge a per-address limit).
 */
export function rateLimitSource(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed || parsed.kind() === "ipv4") return parsed?.toString() ?? address;
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toString()}/64`;
}
