import { Field, ID, Int, ObjectType } from "type-graphql";
import type { DeliveryStatus } from "../../core/webhook.js";
import { DeliveryStatusEnum } from "../common/enums.js";

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
