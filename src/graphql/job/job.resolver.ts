import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { extensionOf } from "../../core/geometry.js";
import type { ImageFormat } from "../../core/image-format.js";
import type { ImageRecord } from "../../core/image.js";
import { generateStage, type InfillMethod, type JobRecord, type JobStatus } from "../../core/job.js";
import type { PromptRecord } from "../../core/prompt.js";
import type { TuneRecord } from "../../core/tune.js";
import { toConnection } from "../common/connection.js";
import { ImageFormatEnum, InfillMethodEnum, JobStatusEnum } from "../common/enums.js";
import type { GraphQLContext } from "../context.js";
import { Image } from "../image/image.type.js";
import { Prompt } from "../prompt/prompt.type.js";
import { Tune } from "../tune/tune.type.js";
import { WebhookDelivery } from "../webhook/webhook.type.js";
import type { WebhookDeliveryRecord } from "../../core/webhook.js";
import { OutpaintInput } from "./job.input.js";
import { GenerateStage, JobError, JobProgress, OutpaintJob, OutpaintJobConnection, OutpaintPass, Placement } from "./job.type.js";

@Resolver(() => OutpaintJob)
export class JobResolver {
  @Query(() => OutpaintJob, { nullable: true })
  job(@Ctx() { services, caller }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<JobRecord | null> {
    return services.jobs.get(caller.owner, id);
  }

  @Query(() => OutpaintJobConnection, { description: "Newest first." })
  async jobs(
    @Ctx() { services, caller }: GraphQLContext,
    @Arg("status", () => JobStatusEnum, { nullable: true }) status?: JobStatus | null,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    return toConnection(await services.jobs.list(caller.owner, status, first, after));
  }

  @Mutation(() => OutpaintJob, {
    description:
      "Queues an outpaint. The job is stored before this answers. With numImages > 1 the first job is returned; its prompt holds them all.",
  })
  async createOutpaintJob(
    @Ctx() { services, caller }: GraphQLContext,
    @Arg("input", () => OutpaintInput) input: OutpaintInput,
    @Arg("idempotencyKey", () => String, {
      nullable: true,
      description: "Retrying with the same key and input returns the original job for 24 hours.",
    })
    idempotencyKey?: string | null,
  ): Promise<JobRecord> {
    const [first] = await services.jobs.createOutpaint(caller.owner, input, idempotencyKey);
    return first!;
  }

  @Mutation(() => OutpaintJob, { description: "A queued job is cancelled at once; a running one stops at its next step." })
  cancelJob(@Ctx() { services, caller }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<JobRecord> {
    return services.jobs.cancel(caller.owner, id);
  }

  @Subscription(() => OutpaintJob, {
    description: "The job's current state, then every state change and progress step, then the final state; then it completes.",
    subscribe: ({ args, context }) => {
      const { services, caller } = context as GraphQLContext;
      return services.jobs.watch(caller.owner, args.id as string);
    },
  })
  jobUpdated(@Root() job: JobRecord, @Arg("id", () => ID) _id: string, @Ctx() { loaders }: GraphQLContext): JobRecord {
    loaders.clearAll();
    return job;
  }

  @FieldResolver(() => JobProgress)
  progress(@Root() job: JobRecord): JobProgress {
    return {
      pass: job.pass,
      passCount: job.spec.passes.length,
      step: job.step,
      totalSteps: job.totalSteps,
      percent: job.percent,
      etaSeconds: job.etaSeconds,
    };
  }

  @FieldResolver(() => [OutpaintPass], { description: "The plan: one pass, or several when the extension is beyond the backend's per-pass limit." })
  passes(@Root() job: JobRecord): OutpaintPass[] {
    return job.spec.passes.map((pass, index) => ({
      number: index + 1,
      width: pass.canvasWidth,
      height: pass.canvasHeight,
      ...extensionOf(pass),
    }));
  }

  @FieldResolver(() => JobError, { nullable: true })
  error(@Root() job: JobRecord): JobError | null {
    return job.error;
  }

  @FieldResolver(() => Placement)
  placement(@Root() job: JobRecord): Placement {
    const { x, y, width, height } = job.spec.placement;
    return { x, y, width, height };
  }

  @FieldResolver(() => Int)
  seed(@Root() job: JobRecord): number {
    return job.spec.seed;
  }

  @FieldResolver(() => InfillMethodEnum)
  infill(@Root() job: JobRecord): InfillMethod {
    return job.spec.infill;
  }

  @FieldResolver(() => Int, { description: "Feather width at the seams, pixels." })
  blur(@Root() job: JobRecord): number {
    return job.spec.blur;
  }

  @FieldResolver(() => ImageFormatEnum)
  outputFormat(@Root() job: JobRecord): ImageFormat {
    return job.spec.outputFormat;
  }

  @FieldResolver(() => String, { nullable: true, description: "Text guidance; null when none." })
  promptText(@Root() job: JobRecord): string | null {
    return job.spec.prompt;
  }

  @FieldResolver(() => Image, { nullable: true, description: "The image the client gave; null when the job makes its original from text." })
  async input(@Root() job: JobRecord, @Ctx() { loaders }: GraphQLContext): Promise<ImageRecord | null> {
    return job.inputImageId ? loaders.image.load(job.inputImageId) : null;
  }

  @FieldResolver(() => GenerateStage, { nullable: true, description: "The stage before the outpaint, when the job has one." })
  generate(@Root() job: JobRecord): GenerateStage | null {
    const plan = job.spec.generate;
    return plan
      ? { stage: generateStage(plan), width: plan.width, height: plan.height, prompt: plan.prompt, strength: plan.strength, guidance: plan.guidance }
      : null;
  }

  @FieldResolver(() => Image, { nullable: true, description: "The generate stage's image, kept: the original the outpaint placed." })
  async generated(@Root() job: JobRecord, @Ctx() { loaders }: GraphQLContext): Promise<ImageRecord | null> {
    return job.generatedImageId ? loaders.image.load(job.generatedImageId) : null;
  }

  @FieldResolver(() => Image, { nullable: true })
  async result(@Root() job: JobRecord, @Ctx() { loaders }: GraphQLContext): Promise<ImageRecord | null> {
    return job.resultImageId ? loaders.image.load(job.resultImageId) : null;
  }

  @FieldResolver(() => Image, { nullable: true, description: "Latest intermediate image, where the backend has one." })
  async preview(@Root() job: JobRecord, @Ctx() { loaders }: GraphQLContext): Promise<ImageRecord | null> {
    return job.previewImageId ? loaders.image.load(job.previewImageId) : null;
  }

  @FieldResolver(() => Prompt, { nullable: true })
  async prompt(@Root() job: JobRecord, @Ctx() { loaders }: GraphQLContext): Promise<PromptRecord | null> {
    return job.promptId ? loaders.prompt.load(job.promptId) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "Where the job's outcome is POSTed." })
  callbackUrl(@Root() job: JobRecord): string | null {
    return job.callbackUrl;
  }

  @FieldResolver(() => [WebhookDelivery], { description: "The job's webhook events and how their delivery went." })
  webhookDeliveries(@Root() job: JobRecord, @Ctx() { loaders }: GraphQLContext): Promise<WebhookDeliveryRecord[]> {
    return loaders.deliveriesByJob.load(job.id);
  }

  @FieldResolver(() => Tune)
  async tune(@Root() job: JobRecord, @Ctx() { loaders }: GraphQLContext): Promise<TuneRecord> {
    return (await loaders.tune.load(job.tuneId))!;
  }
}
