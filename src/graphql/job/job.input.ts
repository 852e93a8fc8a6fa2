import { Field, Float, ID, InputType, Int } from "type-graphql";
import type { Anchor, Preset } from "../../core/geometry.js";
import type { ImageFormat } from "../../core/image-format.js";
import type { InfillMethod } from "../../core/job.js";
import { AnchorEnum, ImageFormatEnum, InfillMethodEnum, OutpaintPresetEnum } from "../common/enums.js";
import { ImageInput } from "../image/image.input.js";

@InputType({ description: "Pixels to add on each side, 0 to 8192 each (default 0); the canvas may not exceed 8192 per side." })
export class ExtendInput {
  @Field(() => Int, { nullable: true })
  top?: number | null;

  @Field(() => Int, { nullable: true })
  right?: number | null;

  @Field(() => Int, { nullable: true })
  bottom?: number | null;

  @Field(() => Int, { nullable: true })
  left?: number | null;
}

@InputType({ description: "Runware's shape, accepted as an alias of extend plus blur: pixels per side and the feather." })
export class RunwareOutpaintInput extends ExtendInput {
  @Field(() => Int, { nullable: true, description: "Feather width, as blur." })
  blur?: number | null;
}

@InputType({ description: "The final size (at least the image's, at most 8192 per side) and where the original sits on it." })
export class TargetInput {
  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;

  @Field(() => AnchorEnum, { nullable: true, description: "Default CENTER." })
  anchor?: Anchor | null;
}

@InputType({ description: "One outpaint request. Give exactly one of extend, target, preset or outpaint." })
export class OutpaintInput {
  @Field(() => ID, { nullable: true, description: "Default: the server's default tune." })
  tuneId?: string | null;

  @Field(() => ImageInput)
  image!: ImageInput;

  @Field(() => ExtendInput, { nullable: true })
  extend?: ExtendInput | null;

  @Field(() => TargetInput, { nullable: true })
  target?: TargetInput | null;

  @Field(() => OutpaintPresetEnum, { nullable: true })
  preset?: Preset | null;

  @Field(() => Float, {
    nullable: true,
    description: "With an EXTEND_* preset: the side grows to this many times the image's extent, 1.05 to 4 (default 1.5).",
  })
  presetFactor?: number | null;

  @Field(() => RunwareOutpaintInput, { nullable: true, description: "Alias of extend (and blur) for Runware clients." })
  outpaint?: RunwareOutpaintInput | null;

  @Field(() => Int, {
    nullable: true,
    description: "Feather width at the seams in pixels, 0 to 64 and at most a quarter of the image's shorter side (default 0).",
  })
  blur?: number | null;

  @Field(() => String, { nullable: true, description: 'Up to 3000 characters; absent or "__BLANK__" means no text guidance.' })
  prompt?: string | null;

  @Field(() => String, { nullable: true, description: "Up to 3000 characters." })
  negativePrompt?: string | null;

  @Field(() => Int, { nullable: true, description: "0 to 2147483647 (default random). Image i of numImages uses seed + i." })
  seed?: number | null;

  @Field(() => Int, { nullable: true, description: "Denoising steps, 1 to 150 (default 50). GPU backend only." })
  steps?: number | null;

  @Field(() => Float, { nullable: true, description: "Guidance, 0 to 100 (default 30). GPU backend only." })
  guidance?: number | null;

  @Field(() => String, { nullable: true, description: "euler (default). GPU backend only." })
  scheduler?: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "How much of FLUX.1 Fill's schedule the new area is denoised over, 0 to 1: 1 (the default) starts it from noise, lower values start from the infill and keep more of it. GPU backend only.",
  })
  strength?: number | null;

  @Field(() => InfillMethodEnum, { nullable: true, description: "Default PATCHMATCH (canvases up to 4096x4096)." })
  infill?: InfillMethod | null;

  @Field(() => Int, { nullable: true, description: "1 to 10 (default 1). Several images are grouped under a prompt." })
  numImages?: number | null;

  @Field(() => ImageFormatEnum, { nullable: true, description: "Default PNG." })
  outputFormat?: ImageFormat | null;

  @Field(() => String, {
    nullable: true,
    description: "http(s) URL that receives the outcome as a signed Standard Webhooks POST (retried with backoff until a 2xx).",
  })
  callbackUrl?: string | null;
}
