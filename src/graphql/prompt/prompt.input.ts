import { Field, Float, InputType, Int } from "type-graphql";
import { ImageInput } from "../image/image.input.js";

@InputType({ description: "An Astria-style prompt. On a CPU_FILL tune: an input image and --outpaint flags, outpaint only." })
export class PromptInput {
  @Field(() => String, {
    description:
      'Up to 3000 characters. Flags: --outpaint <anchor> --outpaint_width W --outpaint_height H --outpaint_prompt "...". Tags: <lora:ID:weight>.',
  })
  text!: string;

  @Field(() => String, { nullable: true })
  negativePrompt?: string | null;

  @Field(() => Int, { nullable: true, description: "1 to 10 (default 1); image i uses seed + i." })
  numImages?: number | null;

  @Field(() => Int, { nullable: true, description: "0 to 2147483647 (default random)." })
  seed?: number | null;

  @Field(() => Int, { nullable: true, description: "1 to 150 (default 50)." })
  steps?: number | null;

  @Field(() => Float, { nullable: true, description: "0 to 100 (default 30)." })
  cfgScale?: number | null;

  @Field(() => ImageInput, { nullable: true })
  inputImage?: ImageInput | null;

  @Field(() => ImageInput, { nullable: true })
  maskImage?: ImageInput | null;

  @Field(() => Float, { nullable: true, description: "0 means outpaint only (the only mode on a CPU_FILL tune)." })
  denoisingStrength?: number | null;

  @Field(() => Int, { nullable: true })
  w?: number | null;

  @Field(() => Int, { nullable: true })
  h?: number | null;

  @Field(() => String, { nullable: true, description: "Aspect ratio such as 16:9." })
  ar?: string | null;

  @Field(() => String, { nullable: true })
  scheduler?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "http(s) URL that receives the outcome as a signed Standard Webhooks POST (retried with backoff until a 2xx).",
  })
  callbackUrl?: string | null;
}
