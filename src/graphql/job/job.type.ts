import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { JobStatus } from "../../core/job.js";
import { Connection } from "../common/connection.js";
import { JobStatusEnum } from "../common/enums.js";

@ObjectType()
export class JobProgress {
  @Field(() => Int, { description: "The pass running (once ended, the last one run), 1 to passCount; 0 while queued." })
  pass!: number;

  @Field(() => Int, { description: "Passes of a multi-stage outpaint (see OutpaintJob.passes); 1 for most jobs." })
  passCount!: number;

  @Field(() => Int, { description: "Steps done, over all passes." })
  step!: number;

  @Field(() => Int, { description: "0 until the run knows how many steps it has; an estimate until the last pass starts." })
  totalSteps!: number;

  @Field(() => Float, { description: "0 to 100." })
  percent!: number;

  @Field(() => Float, { nullable: true, description: "Estimated seconds left in this run." })
  etaSeconds!: number | null;
}

@ObjectType()
export class JobError {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true })
  field!: string | null;
}

@ObjectType({ description: "Where the original sits on the result: its top-left corner and size, in result pixels." })
export class Placement {
  @Field(() => Int)
  x!: number;

  @Field(() => Int)
  y!: number;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;
}

@ObjectType({
  description:
    "One pass of an outpaint: the previous pass's result (the input, first) grows by these pixels per side. Extensions beyond the backend's per-pass limit run in several passes.",
})
export class OutpaintPass {
  @Field(() => Int, { description: "1-based." })
  number!: number;

  @Field(() => Int, { description: "Canvas width after this pass." })
  width!: number;

  @Field(() => Int, { description: "Canvas height after this pass." })
  height!: number;

  @Field(() => Int)
  top!: number;

  @Field(() => Int)
  right!: number;

  @Field(() => Int)
  bottom!: number;

  @Field(() => Int)
  left!: number;
}

@ObjectType({
  description:
    "The stage before the outpaint (FLUX backend): an image made from the text alone (TXT2IMG) or from the input image (IMG2IMG), which the outpaint then places and keeps.",
})
export class GenerateStage {
  @Field(() => String, { description: "TXT2IMG or IMG2IMG." })
  stage!: string;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;

  @Field(() => String, { nullable: true, description: "This stage's text guidance (the prompt's text)." })
  prompt!: string | null;

  @Field(() => Float, { description: "1 from text; for an image, the share of the schedule redone (Astria's denoising_strength)." })
  strength!: number;

  @Field(() => Float, { nullable: true, description: "The prompt's cfg_scale; null: the transformer's own default (FLUX.1 [dev] 3.5, FLUX.1 Fill the job's guidance)." })
  guidance!: number | null;
}

@ObjectType({ description: "Queued work that produces one outpainted image." })
export class OutpaintJob {
  @Field(() => ID)
  id!: string;

  @Field(() => JobStatusEnum)
  status!: JobStatus;

  @Field(() => String, { nullable: true, description: "PREPARING, INFILL, COMPOSITING (TXT2IMG, IMG2IMG and DENOISING on the GPU backend)." })
  stage!: string | null;

  @Field(() => Int, { description: "Final canvas width, exactly as requested." })
  width!: number;

  @Field(() => Int, { description: "Final canvas height, exactly as requested." })
  height!: number;

  @Field(() => Int, { description: "Runs started; a run interrupted by a crash is retried." })
  attempts!: number;

  @Field(() => Boolean)
  cancelRequested!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: "Start of the latest run." })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The transformer the generate stage ran on: FLUX.1-dev, or FLUX.1-Fill-dev with a full mask; null until it has run." })
  generator!: string | null;
}

@ObjectType()
export class OutpaintJobConnection extends Connection(OutpaintJob) {}
