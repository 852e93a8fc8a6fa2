import type { Logger } from "pino";
import { settlesWithin } from "../../core/timing.js";
import type { WebhookDeliveryRecord } from "../../core/webhook.js";
import type { Database } from "../../db/database.js";
import type { AttemptOutcome } from "../../db/webhook.repository.js";
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

/**
 * Delivers the outbox: POSTs each due event with Standard Webhooks headers, marks it delivered on
 * a 2xx answer, else schedules a retry with exponential backoff and jitter (kept in the database,
 * so retries survive restarts) until the attempts run out.
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
    const attempt = delivery.attempts + 1;
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        body: delivery.body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": "outpaint-server webhooks",
          "webhook-id": delivery.id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": sign(this.secret, delivery.id, timestamp, delivery.body),
        },
      });
      status = response.status;
      await response.body?.cancel();
    } catch (failure) {
      error = failure instanceof Error ? (failure.cause instanceof Error ? failure.cause.message : failure.message) : String(failure);
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
    const log = { deliveryId: delivery.id, url: delivery.url, attempt, status, error };
    if (delivered) this.logger.info(log, "webhook delivered");
    else if (outcome.status === "FAILED") this.logger.warn(log, "webhook failed for good");
    else this.logger.info({ ...log, retryAt: outcome.nextAttemptAt }, "webhook attempt failed; will retry");
  }

  #backoff(attempt: number): number {
    const exponential = Math.min(this.options.retryBaseMs * 2 ** (attempt - 1), this.options.retryMaxMs);
    return Math.round(exponential * (0.75 + Math.random() * 0.5));
  }
}
