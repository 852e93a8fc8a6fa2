import { Field, ID, InputType } from "type-graphql";
import type { Backend, TuneKind } from "../../core/tune.js";
import { BackendEnum, TuneKindEnum } from "../common/enums.js";

@InputType()
export class CreateTuneInput {
  @Field(() => String, { description: "1 to 200 characters." })
  title!: string;

  @Field(() => TuneKindEnum, { nullable: true, description: "Default: LORA when baseTuneId is given, else BASE." })
  kind?: TuneKind | null;

  @Field(() => BackendEnum, { nullable: true, description: "For BASE tunes; default CPU_FILL. LoRAs take their base's." })
  backend?: Backend | null;

  @Field(() => ID, { nullable: true, description: "For LORA tunes: a BASE tune with backend FLUX_FILL_TRT." })
  baseTuneId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Make this base tune the default (default false)." })
  isDefault?: boolean | null;
}
