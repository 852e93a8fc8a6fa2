import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Logger } from "pino";
import { settlesWithin } from "../../core/timing.js";
import type { WebhookDeliveryRecord } from "../../core/webhook.js";
import type { Database } from "../../infrastructure/db/database.js";
import type { AttemptOutcome } from "../../infrastructure/db/webhook.repository.js";
import type { Metrics } from "../../infrastructure/metrics/metrics.js";
import type { AddressPolicy } from "../../infrastructure/net/address-policy.js";
import { pinnedLookup } from "../../infrastructure/net/pinned-lookup.js";
import { sign } from "./signature.js";

export interface DispatchOptions {
  timeoutMs: number;
  maxAttempts: number;
  /** First retry delay; each later one doubles, up to retryMaxMs, with ±25% jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
}

const BATCH = 16;
const IDLE_POLL_MS = 5000;
/** How long after an attempt's timeout a claimed delivery is given back for another try. */
const CLAIM_MARGIN_MS = 5_000;

/**
 * Delivers the outbox: POSTs each due event with Standard Webhooks headers, marks it delivered on
 * a 2xx answer, else schedules a retry with exponential backoff and jitter (kept in the database,
 * so retries survive restarts) until the attempts run out. Every attempt resolves and vets the
 * callback URL again with the address policy and connects to the vetted address; a refused
 * address is a failed attempt like any other. Redirects are not followed (a 3xx is a failed
 * attempt): following one would send the signed event to a target nobody vetted or registered.
 */
export class WebhookDispatcher {
  #wake: () => void = () => {};
  #stopping = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly secret: string,
    private readonly options: DispatchOptions,
    private readonly logger: Logger,
    private readonly policy: AddressPolicy,
    private readonly metrics: Metrics,
  ) {}

  start(): void {
    this.#loop = this.#run();
  }

  notify(): void {
    this.#wake();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const woken = new Promise<void>((resolve) => (this.#wake = resolve));
      try {
        const due = await this.db.webhooks.due(new Date(), BATCH);
        if (due.length > 0) {
          await Promise.all(due.map((delivery) => this.#deliver(delivery)));
          continue;
        }
        const next = await this.db.webhooks.nextAttemptAt();
        const wait = next ? Math.max(0, Math.min(next.getTime() - Date.now(), IDLE_POLL_MS)) : IDLE_POLL_MS;
        await settlesWithin(woken, wait);
      } catch (error) {
        this.logger.error({ err: error }, "webhook dispatch failed; retrying");
        await settlesWithin(woken, IDLE_POLL_MS);
      }
    }
  }

  async #deliver(delivery: WebhookDeliveryRecord): Promise<void> {
    // Every process that shares the database runs a dispatcher; the claim makes one of them send.
    const lease = new Date(Date.now() + this.options.timeoutMs + CLAIM_MARGIN_MS);
    if (!(await this.db.webhooks.claim(delivery, lease))) return;
    const attempt = delivery.attempts + 1;
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await this.#post(delivery, {
        "content-type": "application/json",
        "user-agent": "outpaint-server webhooks",
        "webhook-id": delivery.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": sign(this.secret, delivery.id, timestamp, delivery.body),
      });
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    const delivered = status !== null && status >= 200 && status < 300;
    const outcome: AttemptOutcome = {
      attempts: attempt,
      lastAttemptAt: now,
      lastStatus: status,
      lastError: delivered ? null : (error ?? `HTTP ${status}`),
      status: delivered ? "DELIVERED" : attempt >= this.options.maxAttempts ? "FAILED" : "PENDING",
      deliveredAt: delivered ? new Date() : null,
      nextAttemptAt: delivered ? now : new Date(now.getTime() + this.#backoff(attempt)),
    };
    await this.db.webhooks.recordAttempt(delivery.id, outcome);
    this.metrics.webhookAttempt(delivered ? "delivered" : outcome.status === "FAILED" ? "failed" : "retry");
    const log = { deliveryId: delivery.id, url: delivery.url, attempt, status, error };
    if (delivered) this.logger.info(log, "webhook delivered");
    else if (outcome.status === "FAILED") this.logger.warn(log, "webhook failed for good");
    else this.logger.info({ ...log, retryAt: outcome.nextAttemptAt }, "webhook attempt failed; will retry");
  }

  /** POSTs the body to the vetted address of the delivery's URL; answers the HTTP status. */
  async #post(delivery: WebhookDeliveryRecord, headers: Record<string, string>): Promise<number> {
    const deadline = Date.now() + this.options.timeoutMs;
    const timedOut = () => new Error(`no answer within ${this.options.timeoutMs} ms`);
    const url = this.policy.parse(delivery.url, "callbackUrl");
    const vetted = await this.policy.vet(url, "callbackUrl");
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timedOut();
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(delivery.body) },
        lookup: pinnedLookup(vetted.address, vetted.family),
        // A fresh connection per attempt: a pooled socket would skip this attempt's vetting.
        agent: false,
      });
      const timer = setTimeout(() => req.destroy(timedOut()), remaining);
      req.on("response", (response) => {
        clearTimeout(timer);
        // Only the status matters; the receiver's body is not read.
        response.destroy();
        resolve(response.statusCode ?? 0);
      });
      req.on("error", (failure) => {
        clearTimeout(timer);
        reject(failure);
      });
      req.end(delivery.body);
    });
  }

  #backoff(attempt: number): number {
    const exponential = Math.min(this.options.retryBaseMs * 2 ** (attempt - 1), this.options.retryMaxMs);
    return Math.round(exponential * (0.75 + Math.random() * 0.5));
  }
}
