export const DELIVERY_STATUSES = ["PENDING", "DELIVERED", "FAILED"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for one callback URL, and how its delivery is going. */
export interface WebhookDeliveryRecord {
  /** The event id, sent as `webhook-id` on every attempt. */
  id: string;
  jobId: string | null;
  promptId: string | null;
  url: string;
  eventType: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}
