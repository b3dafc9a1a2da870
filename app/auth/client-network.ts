/**
 * The key every per-IP limit counts on (sign-in, sign-up, password reset, endorsing): an IPv4 address as it is, an
 * IPv6 address as its /64 network. One IPv6 subscriber usually holds a whole /64, so keying on full addresses would
 * give them 2^64 fresh allowances. IPv4-mapped IPv6 (::ffff:192.0.2.1) is the IPv4 address; zone ids are dropped.
 */
import { isIP } from "node:net";

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<number>(fill).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

/** "192.0.2.1" for IPv4 (also when IPv4-mapped), "2001:db8:1:2::/64" for IPv6; null when there is no address. */
export function clientNetwork(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const address = ip.trim().replace(/%.*$/, "");
  if (isIP(address) === 4) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address; // not an address at all: keyed as given
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/**
 * The wider network an address belongs to, for the sessions list's "approximate place": IPv4 /24 ("192.0.2.0/24"),
 * IPv6 /48 ("2001:db8:1::/48"); null when there is no address or it is not one.
 */
export function approximateNetwork(ip: string | null | undefined): string | null {
  const network = clientNetwork(ip);
  if (!network) return null;
  if (isIP(network) === 4) return `${network.split(".").slice(0, 3).join(".")}.0/24`;
  if (!network.endsWith("::/64")) return null;
  const groups = network.slice(0, -"::/64".length).split(":");
  return `${groups.slice(0, 3).join(":")}::/48`;
}
