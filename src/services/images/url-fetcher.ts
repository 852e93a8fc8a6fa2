import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { described, InputError } from "../../core/errors.js";
import type { AddressPolicy } from "../net/address-policy.js";
import { pinnedLookup } from "../net/pinned-lookup.js";

// Image inputs given as URLs are fetched with a size and time limit and a few redirects, each
// hop vetted by the address policy (no loopback, private, link-local or metadata addresses
// unless allowed) and connected to the very address that was vetted.

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export class UrlFetcher {
  constructor(
    private readonly limits: FetchLimits,
    /** Where the server may connect; shared with webhook delivery. */
    private readonly policy: AddressPolicy,
  ) {}

  /** The bytes at `url`, or an InputError naming `field`. */
  async fetch(url: string, field: string): Promise<Buffer> {
    const deadline = Date.now() + this.limits.timeoutMs;
    let current = this.policy.parse(url, field);
    for (let redirects = 0; ; redirects++) {
      const response = await this.#get(current, field, deadline);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= this.limits.maxRedirects) {
          throw new InputError(field, `a URL that answers within ${this.limits.maxRedirects} redirects`, described("more redirects"));
        }
        current = this.policy.parse(new URL(response.headers.location, current).href, field);
        continue;
      }
      if (status !== 200) {
        response.resume();
        throw new InputError(field, "a URL that answers 200 with an image", described(`HTTP ${status} from ${current.host}`));
      }
      return this.#readBody(response, field, deadline);
    }
  }

  async #get(url: URL, field: string, deadline: number): Promise<IncomingMessage> {
    const vetted = await this.policy.vet(url, field);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw this.#timeout(field);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: "GET",
          headers: { accept: "image/*", "user-agent": "outpaint-server" },
          lookup: pinnedLookup(vetted.address, vetted.family),
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
