import { lookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP } from "node:net";
import { described, InputError } from "../../core/errors.js";

// Image inputs given as URLs are fetched with a size and time limit, a few re-checked redirects,
// and never from loopback, private, link-local or metadata addresses unless allowed. The address
// checked is the one connected to: the resolved, vetted IP is handed to the socket, so a DNS
// answer that changes between check and connect (rebinding) cannot slip through.

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Hosts or CIDR ranges fetched even though they are not public (e.g. 127.0.0.1, 10.0.0.0/8). */
  allow: string[];
}

const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["::ffff:0:0", 96],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, "ipv6");
}

export class UrlFetcher {
  readonly #allowHosts = new Set<string>();
  readonly #allowRanges = new BlockList();

  constructor(private readonly limits: FetchLimits) {
    for (const entry of limits.allow) {
      const [address, prefix] = entry.split("/");
      const family = isIP(address ?? "");
      if (family && prefix !== undefined) this.#allowRanges.addSubnet(address!, Number(prefix), family === 6 ? "ipv6" : "ipv4");
      else if (family) this.#allowRanges.addAddress(address!, family === 6 ? "ipv6" : "ipv4");
      else this.#allowHosts.add(entry.toLowerCase());
    }
  }

  /** The bytes at `url`, or an InputError naming `field`. */
  async fetch(url: string, field: string): Promise<Buffer> {
    const deadline = Date.now() + this.limits.timeoutMs;
    let current = this.#parse(url, field);
    for (let redirects = 0; ; redirects++) {
      const response = await this.#get(current, field, deadline);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= this.limits.maxRedirects) {
          throw new InputError(field, `a URL that answers within ${this.limits.maxRedirects} redirects`, described("more redirects"));
        }
        current = this.#parse(new URL(response.headers.location, current).href, field);
        continue;
      }
      if (status !== 200) {
        response.resume();
        throw new InputError(field, "a URL that answers 200 with an image", described(`HTTP ${status} from ${current.host}`));
      }
      return this.#readBody(response, field, deadline);
    }
  }

  #parse(url: string, field: string): URL {
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

  async #vettedAddress(url: URL, field: string): Promise<{ address: string; family: number }> {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true }).catch(() => []);
    if (addresses.length === 0) throw new InputError(field, "a URL whose host resolves", described(`unresolvable host ${host}`));
    const allowedHost = this.#allowHosts.has(host.toLowerCase());
    for (const { address, family } of addresses) {
      const type = family === 6 ? "ipv6" : "ipv4";
      if (!allowedHost && FORBIDDEN.check(address, type) && !this.#allowRanges.check(address, type)) {
        throw new InputError(field, "a URL on a public address", described(`${host} (${address}), which is not public`));
      }
    }
    return addresses[0]!;
  }

  async #get(url: URL, field: string, deadline: number): Promise<IncomingMessage> {
    const vetted = await this.#vettedAddress(url, field);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw this.#timeout(field);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: "GET",
          headers: { accept: "image/*", "user-agent": "outpaint-server" },
          // The socket connects to the address that was checked, whatever DNS says now.
          lookup: (_host, options, callback) => {
            if ((options as { all?: boolean }).all) callback(null, [vetted] as never);
            else callback(null, vetted.address, vetted.family);
          },
          timeout: remaining,
        },
        resolve,
      );
      req.on("timeout", () => req.destroy(this.#timeout(field)));
      req.on("error", (error) =>
        reject(error instanceof InputError ? error : new InputError(field, "a URL that can be fetched", described(error.message))),
      );
      req.end();
    });
  }

  async #readBody(response: IncomingMessage, field: string, deadline: number): Promise<Buffer> {
    const declared = Number(response.headers["content-length"] ?? NaN);
    const tooLarge = () =>
      new InputError(field, `an image of at most ${this.limits.maxBytes} bytes`, described(`more than ${this.limits.maxBytes} bytes`), "PAYLOAD_TOO_LARGE");
    if (declared > this.limits.maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    const timer = setTimeout(() => response.destroy(this.#timeout(field)), Math.max(0, deadline - Date.now()));
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.limits.maxBytes) {
          response.destroy();
          throw tooLarge();
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    } catch (error) {
      throw error instanceof InputError ? error : new InputError(field, "a URL that can be fetched", described((error as Error).message));
    } finally {
      clearTimeout(timer);
    }
  }

  #timeout(field: string): InputError {
    return new InputError(field, `a URL that answers within ${this.limits.timeoutMs} ms`, described("no answer in time"));
  }
}
