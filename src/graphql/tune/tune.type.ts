import { Field, ID, ObjectType } from "type-graphql";
import type { Backend, TuneKind } from "../../core/tune.js";
import { Connection } from "../common/connection.js";
import { BackendEnum, TuneKindEnum } from "../common/enums.js";

@ObjectType({ description: "A model the server can run: a base tune (a backend) or a LoRA on a base tune." })
export class Tune {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => TuneKindEnum)
  kind!: TuneKind;

  @Field(() => BackendEnum)
  backend!: Backend;

  @Field(() => Boolean, { description: "Jobs that name no tune run on the default tune." })
  isDefault!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  baseTuneId!: string | null;
}

@ObjectType()
export class TuneConnection extends Connection(Tune) {}
