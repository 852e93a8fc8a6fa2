import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DELIVERY_STATUSES, type DeliveryStatus } from "../../core/webhook.js";

export const DeliveryStatusEnum = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, status])) as {
  [K in DeliveryStatus]: K;
};
registerEnumType(DeliveryStatusEnum, {
  name: "WebhookDeliveryStatus",
  description: "PENDING: not yet delivered (retries are scheduled). DELIVERED: answered 2xx. FAILED: attempts used up.",
});

@ObjectType({
  description:
    "One event POSTed to a callbackUrl with Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature).",
})
export class WebhookDelivery {
  @Field(() => ID, { description: "The event id, sent as webhook-id on every attempt." })
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => String, { description: "job.succeeded, job.failed, job.cancelled, prompt.succeeded, prompt.failed, prompt.cancelled" })
  eventType!: string;

  @Field(() => DeliveryStatusEnum)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: "HTTP status of the last attempt." })
  lastStatus!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: "When the next attempt is due, while PENDING." })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}
