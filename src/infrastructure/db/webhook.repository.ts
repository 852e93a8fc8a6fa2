import type { DeliveryStatus, WebhookDeliveryRecord } from "../../core/webhook.js";
import type { WebhookDelivery } from "./generated/sqlite/client.js";
import type { Client } from "./client.js";

export type NewDelivery = Pick<WebhookDeliveryRecord, "id" | "jobId" | "promptId" | "url" | "eventType" | "body" | "createdAt">;

export type AttemptOutcome = Pick<
  WebhookDeliveryRecord,
  "status" | "attempts" | "nextAttemptAt" | "lastAttemptAt" | "lastStatus" | "lastError" | "deliveredAt"
>;

function toRecord(row: WebhookDelivery): WebhookDeliveryRecord {
  return { ...row, status: row.status as DeliveryStatus };
}

export class WebhookRepository {
  constructor(private readonly client: Client) {}

  async enqueue(delivery: NewDelivery): Promise<WebhookDeliveryRecord> {
    return toRecord(await this.client.webhookDelivery.create({ data: { ...delivery, nextAttemptAt: delivery.createdAt } }));
  }

  /** Pending deliveries whose next attempt is due, oldest first. */
  async due(now: Date, limit: number): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.client.webhookDelivery.findMany({
      where: { status: "PENDING", nextAttemptAt: { lte: now } },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
    });
    return rows.map(toRecord);
  }

  /**
   * Takes a due delivery for one attempt: pushes its next attempt to `leaseUntil`, so no other
   * process sends it meanwhile (and one that dies mid-attempt leaves it to be retried then).
   * False when another process took it first.
   */
  async claim(delivery: WebhookDeliveryRecord, leaseUntil: Date): Promise<boolean> {
    const { count } = await this.client.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "PENDING", attempts: delivery.attempts, nextAttemptAt: delivery.nextAttemptAt },
      data: { nextAttemptAt: leaseUntil },
    });
    return count === 1;
  }

  async nextAttemptAt(): Promise<Date | null> {
    const row = await this.client.webhookDelivery.findFirst({
      where: { status: "PENDING" },
      orderBy: { nextAttemptAt: "asc" },
      select: { nextAttemptAt: true },
    });
    return row?.nextAttemptAt ?? null;
  }

  /** Deliveries still to be attempted (served by the status index). */
  countPending(): Promise<number> {
    return this.client.webhookDelivery.count({ where: { status: "PENDING" } });
  }

  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<void> {
    await this.client.webhookDelivery.update({ where: { id }, data: outcome });
  }

  /** Whether the prompt's own (completion) event has been queued already. */
  async hasPromptEvent(promptId: string): Promise<boolean> {
    return (await this.client.webhookDelivery.count({ where: { promptId, jobId: null } })) > 0;
  }

  async listForJobs(jobIds: readonly string[]): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.client.webhookDelivery.findMany({ where: { jobId: { in: [...jobIds] } }, orderBy: { id: "asc" } });
    return rows.map(toRecord);
  }

  async listForPrompts(promptIds: readonly string[]): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.client.webhookDelivery.findMany({
      where: { promptId: { in: [...promptIds] }, jobId: null },
      orderBy: { id: "asc" },
    });
    return rows.map(toRecord);
  }

  async deleteForJobs(jobIds: readonly string[]): Promise<void> {
    await this.client.webhookDelivery.deleteMany({ where: { jobId: { in: [...jobIds] } } });
  }

  async deleteForPrompts(promptIds: readonly string[]): Promise<void> {
    await this.client.webhookDelivery.deleteMany({ where: { promptId: { in: [...promptIds] } } });
  }
}
