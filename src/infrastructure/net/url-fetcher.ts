import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { described, InputError } from "../../core/errors.js";
import type { AddressPolicy } from "./address-policy.js";
import { pinnedLookup } from "./pinned-lookup.js";

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

  /** The bytes at `url`, or an InputError naming `field`. One deadline covers the whole fetch. */
  async fetch(url: string, field: string): Promise<Buffer> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(this.#timeout(field)), this.limits.timeoutMs);
    try {
      return await this.#follow(url, field, deadline.signal);
    } catch (error) {
      throw deadline.signal.aborted ? deadline.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  async #follow(url: string, field: string, signal: AbortSignal): Promise<Buffer> {
    let current = this.policy.parse(url, field);
    for (let redirects = 0; ; redirects++) {
      const response = await this.#get(current, field, signal);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.destroy();
        if (redirects >= this.limits.maxRedirects) {
          throw new InputError(field, `a URL that answers within ${this.limits.maxRedirects} redirects`, described("more redirects"));
        }
        current = this.policy.parse(new URL(response.headers.location, current).href, field);
        continue;
      }
      if (status !== 200) {
        response.destroy();
        throw new InputError(field, "a URL that answers 200 with an image", described(`HTTP ${status} from ${current.host}`));
      }
      return this.#readBody(response, field, signal);
    }
  }

  async #get(url: URL, field: string, signal: AbortSignal): Promise<IncomingMessage> {
    const vetted = await untilAborted(this.policy.vet(url, field), signal);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      // `signal` destroys the request wherever it is: connecting, waiting for headers, or reading the body.
      const req = request(
        url,
        { method: "GET", headers: { accept: "image/*", "user-agent": "outpaint-server" }, lookup: pinnedLookup(vetted.address, vetted.family), signal },
        resolve,
      );
      req.on("error", (error) =>
        reject(error instanceof InputError ? error : new InputError(field, "a URL that can be fetched", described(error.message))),
      );
      req.end();
    });
  }

  async #readBody(response: IncomingMessage, field: string, signal: AbortSignal): Promise<Buffer> {
    const declared = Number(response.headers["content-length"] ?? NaN);
    const tooLarge = () =>
      new InputError(field, `an image of at most ${this.limits.maxBytes} bytes`, described(`more than ${this.limits.maxBytes} bytes`), "PAYLOAD_TOO_LARGE");
    if (declared > this.limits.maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    const stop = () => response.destroy(signal.reason as Error);
    signal.addEventListener("abort", stop, { once: true });
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
      signal.removeEventListener("abort", stop);
    }
  }

  #timeout(field: string): InputError {
    return new InputError(field, `a URL that answers within ${this.limits.timeoutMs} ms`, described("no answer in time"));
  }
}

/** `promise`, or the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
