import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { ImageRecord } from "../../core/image.js";
import { aggregateStatus, type JobRecord, type JobStatus } from "../../core/job.js";
import type { PromptRecord } from "../../core/prompt.js";
import type { TuneRecord } from "../../core/tune.js";
import { toConnection } from "../common/connection.js";
import { JobStatusEnum } from "../common/enums.js";
import type { GraphQLContext } from "../context.js";
import { Image } from "../image/image.type.js";
import { OutpaintJob } from "../job/job.type.js";
import { Tune } from "../tune/tune.type.js";
import { WebhookDelivery } from "../webhook/webhook.type.js";
import type { WebhookDeliveryRecord } from "../../core/webhook.js";
import { PromptInput } from "./prompt.input.js";
import { Prompt, PromptConnection } from "./prompt.type.js";

@Resolver(() => Prompt)
export class PromptResolver {
  @Query(() => Prompt, { nullable: true })
  prompt(@Ctx() { services, caller }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<PromptRecord | null> {
    return services.prompts.get(caller.owner, id);
  }

  @Query(() => PromptConnection, { description: "Newest first." })
  async prompts(
    @Ctx() { services, caller }: GraphQLContext,
    @Arg("tuneId", () => ID, { nullable: true }) tuneId?: string | null,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    return toConnection(await services.prompts.list(caller.owner, tuneId, first, after));
  }

  @Mutation(() => Prompt, { description: "Parses the prompt and queues one job per image; they are stored before this answers." })
  createPrompt(
    @Ctx() { services, caller }: GraphQLContext,
    @Arg("tuneId", () => ID) tuneId: string,
    @Arg("input", () => PromptInput) input: PromptInput,
    @Arg("idempotencyKey", () => String, {
      nullable: true,
      description: "Retrying with the same key and input returns the original prompt for 24 hours.",
    })
    idempotencyKey?: string | null,
  ): Promise<PromptRecord> {
    return services.prompts.create(caller.owner, tuneId, input, idempotencyKey);
  }

  @Subscription(() => Prompt, {
    description: "The prompt now, then again whenever one of its jobs changes status; completes when all have ended.",
    subscribe: ({ args, context }) => {
      const { services, caller } = context as GraphQLContext;
      return services.prompts.watch(caller.owner, args.id as string);
    },
  })
  promptUpdated(@Root() prompt: PromptRecord, @Arg("id", () => ID) _id: string, @Ctx() { loaders }: GraphQLContext): PromptRecord {
    loaders.clearAll();
    return prompt;
  }

  @FieldResolver(() => Tune)
  async tune(@Root() prompt: PromptRecord, @Ctx() { loaders }: GraphQLContext): Promise<TuneRecord> {
    return (await loaders.tune.load(prompt.tuneId))!;
  }

  @FieldResolver(() => JobStatusEnum, { description: "From its jobs: QUEUED, RUNNING while any runs, then FAILED if any failed, else SUCCEEDED if any succeeded, else CANCELLED." })
  async status(@Root() prompt: PromptRecord, @Ctx() { loaders }: GraphQLContext): Promise<JobStatus> {
    return aggregateStatus((await loaders.jobsByPrompt.load(prompt.id)).map((job) => job.status));
  }

  @FieldResolver(() => String, { nullable: true, description: "Where the prompt is POSTed once all its jobs have ended." })
  callbackUrl(@Root() prompt: PromptRecord): string | null {
    return prompt.callbackUrl;
  }

  @FieldResolver(() => [WebhookDelivery], { description: "The prompt's webhook events and how their delivery went." })
  webhookDeliveries(@Root() prompt: PromptRecord, @Ctx() { loaders }: GraphQLContext): Promise<WebhookDeliveryRecord[]> {
    return loaders.deliveriesByPrompt.load(prompt.id);
  }

  @FieldResolver(() => [OutpaintJob])
  jobs(@Root() prompt: PromptRecord, @Ctx() { loaders }: GraphQLContext): Promise<JobRecord[]> {
    return loaders.jobsByPrompt.load(prompt.id);
  }

  @FieldResolver(() => [Image], { description: "Results of the jobs that succeeded, in job order." })
  async images(@Root() prompt: PromptRecord, @Ctx() { loaders }: GraphQLContext): Promise<ImageRecord[]> {
    const jobs = await loaders.jobsByPrompt.load(prompt.id);
    const ids = jobs.flatMap((job) => (job.resultImageId ? [job.resultImageId] : []));
    const images = await loaders.image.loadMany(ids);
    return images.filter((image): image is ImageRecord => image !== null && !(image instanceof Error));
  }
}
