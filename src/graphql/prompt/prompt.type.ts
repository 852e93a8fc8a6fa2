import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { Connection } from "../common/connection.js";

@ObjectType({ description: "The --outpaint flags of a prompt, with the canvas size they resolved to." })
export class OutpaintFlags {
  @Field(() => String)
  anchor!: string;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;

  @Field(() => String, { nullable: true })
  prompt!: string | null;
}

@ObjectType({ description: "What a prompt's text and fields were parsed into." })
export class PromptParams {
  @Field(() => String, { description: "The text without flags and tags." })
  cleanText!: string;

  @Field(() => Int)
  numImages!: number;

  @Field(() => Int)
  seed!: number;

  @Field(() => Int)
  steps!: number;

  @Field(() => Float)
  cfgScale!: number;

  @Field(() => Float)
  denoisingStrength!: number;

  @Field(() => String)
  scheduler!: string;

  @Field(() => Int, { nullable: true, description: "Width of the image generated from text first (GPU backend)." })
  w!: number | null;

  @Field(() => Int, { nullable: true })
  h!: number | null;

  @Field(() => String, { nullable: true })
  ar!: string | null;

  @Field(() => OutpaintFlags, { nullable: true })
  outpaint!: OutpaintFlags | null;
}

@ObjectType({ description: "One generation request against a tune; it creates one job per image." })
export class Prompt {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  text!: string;

  @Field(() => String, { nullable: true })
  negativePrompt!: string | null;

  @Field(() => PromptParams)
  params!: PromptParams;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class PromptConnection extends Connection(Prompt) {}
