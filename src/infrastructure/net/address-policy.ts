import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { described, InputError } from "../../core/errors.js";
import { effectiveAddress, forbiddenKind } from "./address-ranges.js";

// Where the server may send its own requests (fetching image URLs, delivering webhooks): any
// public address, and non-public ones only when the operator's allow list names the host or a
// range holding the address. The caller connects to the address returned, never resolving the
// name again, so a DNS answer that changes between check and connect (rebinding) cannot slip in.

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all of its addresses; node's resolver unless a test supplies one. */
export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

/** DNS labels of letters, digits and inner hyphens (underscores too, as some internal names have them). */
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

const systemResolve: Resolve = (host) => lookup(host, { all: true });

export class AddressPolicy {
  readonly #allowHosts = new Set<string>();
  readonly #allowRanges = new BlockList();

  /** `allow`: host names or IP addresses / CIDR ranges (127.0.0.1, 10.0.0.0/8, ::1) reachable although not public. */
  constructor(
    allow: readonly string[],
    private readonly resolve: Resolve = systemResolve,
  ) {
    for (const entry of allow) {
      const [network = "", prefix] = entry.replace(/^\[|\](?=\/|$)/g, "").split("/");
      const family = isIP(network);
      const type = family === 6 ? "ipv6" : "ipv4";
      if (family && prefix === undefined) this.#allowRanges.addAddress(network, type);
      else if (family && /^\d+$/.test(prefix!) && Number(prefix) <= (family === 6 ? 128 : 32)) {
        this.#allowRanges.addSubnet(network, Number(prefix), type);
      } else if (!family && prefix === undefined && HOST_NAME.test(entry)) this.#allowHosts.add(entry.toLowerCase());
      else {
        // A port, scheme or path would make the entry a name that no URL's host ever equals.
        throw new Error(
          `Expected a host name, an IP address or a CIDR range (no scheme, port or path) in the URL allow list but received ${JSON.stringify(entry)}`,
        );
      }
    }
  }

  /** `url` parsed, when it is an absolute http or https URL; else an InputError naming `field`. */
  parse(url: string, field: string): URL {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      throw new InputError(field, "an absolute http or https URL", url);
    }
    return parsed;
  }

  /**
   * Resolves the URL's host and answers the address to connect to, or an InputError naming
   * `field` when the host does not resolve or any of its addresses is refused.
   */
  async vet(url: URL, field: string): Promise<VettedAddress> {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const literal = isIP(host);
    const answers = literal ? [{ address: host, family: literal }] : await this.resolve(host).catch(() => []);
    if (answers.length === 0) throw new InputError(field, "a URL whose host resolves", described(`unresolvable host ${host}`));
    if (!this.#allowHosts.has(host.toLowerCase())) {
      // Every answer is checked, not only the one connected to: a name that mixes public and
      // private addresses is refused whatever order the resolver returns them in, so the
      // verdict at submission matches the one at delivery, and a half-private name is suspect.
      for (const { address } of answers) {
        const kind = forbiddenKind(address);
        if (kind && !this.#allowed(address)) {
          throw new InputError(field, "a URL on a public address", described(`${host === address ? address : `${host} (${address})`}, ${kind}`));
        }
      }
    }
    const first = answers[0]!;
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  /** Checks a URL as a request to it would be checked: scheme, resolution and addresses. */
  async vetUrl(url: string, field: string): Promise<void> {
    await this.vet(this.parse(url, field), field);
  }

  #allowed(address: string): boolean {
    const effective = effectiveAddress(address);
    return this.#allowRanges.check(effective.address, effective.family === 6 ? "ipv6" : "ipv4");
  }
}
