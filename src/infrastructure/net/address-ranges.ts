import { BlockList, isIP, SocketAddress } from "node:net";

// Addresses a server-side request must not reach unless an operator allows them: loopback,
// private, link-local (cloud metadata lives there), and other non-public ranges.

const RANGES: [kind: string, family: "ipv4" | "ipv6", network: string, prefix: number][] = [
  // Checked first so the metadata endpoint is named as such rather than as link-local.
  ["the cloud metadata address", "ipv4", "169.254.169.254", 32],
  ["the cloud metadata address", "ipv6", "fd00:ec2::254", 128],
  ["an unspecified address", "ipv4", "0.0.0.0", 8],
  ["an unspecified address", "ipv6", "::", 128],
  ["a loopback address", "ipv4", "127.0.0.0", 8],
  ["a loopback address", "ipv6", "::1", 128],
  ["a private address", "ipv4", "10.0.0.0", 8],
  ["a private address", "ipv4", "172.16.0.0", 12],
  ["a private address", "ipv4", "192.168.0.0", 16],
  ["a private address", "ipv6", "fc00::", 7],
  ["a shared (carrier-grade NAT) address", "ipv4", "100.64.0.0", 10],
  ["a link-local address", "ipv4", "169.254.0.0", 16],
  ["a link-local address", "ipv6", "fe80::", 10],
  ["a multicast address", "ipv4", "224.0.0.0", 4],
  ["a multicast address", "ipv6", "ff00::", 8],
  ["a reserved address", "ipv4", "192.0.0.0", 24],
  ["a reserved address", "ipv4", "198.18.0.0", 15],
  ["a reserved address", "ipv4", "240.0.0.0", 4],
  // Deprecated IPv4-compatible addresses (::a.b.c.d); nothing public lives there.
  ["a reserved address", "ipv6", "::", 96],
  // NAT64 can reach any IPv4 address, private ones included, so it is refused as a whole.
  ["a NAT64 address", "ipv6", "64:ff9b::", 96],
];

// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are deliberately absent: node's BlockList matches
// every IPv4 address against such a rule, which would refuse the whole public IPv4 internet.
// They are unwrapped instead and judged as the IPv4 address they reach.
const KINDS = new Map<string, BlockList>();
for (const [kind, family, network, prefix] of RANGES) {
  const list = KINDS.get(kind) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  KINDS.set(kind, list);
}

/** The address a socket really reaches: an IPv4-mapped IPv6 address as its IPv4 address. */
export function effectiveAddress(address: string): { address: string; family: 4 | 6 } {
  if (isIP(address) !== 6) return { address, family: 4 };
  // SocketAddress canonicalises every spelling of a mapped address to ::ffff:a.b.c.d.
  const canonical = new SocketAddress({ address, family: "ipv6" }).address;
  const embedded = canonical.startsWith("::ffff:") ? canonical.slice("::ffff:".length) : "";
  return isIP(embedded) === 4 ? { address: embedded, family: 4 } : { address, family: 6 };
}

/** What kind of non-public address this is ("a loopback address"), or null when it is public. */
export function forbiddenKind(address: string): string | null {
  const effective = effectiveAddress(address);
  const type = effective.family === 6 ? "ipv6" : "ipv4";
  for (const [kind, list] of KINDS) if (list.check(effective.address, type)) return kind;
  return null;
}
