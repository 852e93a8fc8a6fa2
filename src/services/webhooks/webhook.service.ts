import type { WebhookDeliveryRecord } from "../../core/webhook.js";
import type { Database } from "../../infrastructure/db/database.js";

/** Read access to webhook deliveries, for the API. */
export class WebhookService {
  constructor(private readonly db: Database) {}

  forJobs(jobIds: readonly string[]): Promise<WebhookDeliveryRecord[]> {
    return this.db.webhooks.listForJobs(jobIds);
  }

  forPrompts(promptIds: readonly string[]): Promise<WebhookDeliveryRecord[]> {
    return this.db.webhooks.listForPrompts(promptIds);
  }
}
