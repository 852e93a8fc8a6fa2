import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { TuneRecord } from "../../core/tune.js";
import { toConnection } from "../common/connection.js";
import type { GraphQLContext } from "../context.js";
import { CreateTuneInput } from "./tune.input.js";
import { Tune, TuneConnection } from "./tune.type.js";

@Resolver(() => Tune)
export class TuneResolver {
  @Query(() => TuneConnection, { description: "Live tunes, oldest first." })
  async tunes(
    @Ctx() { services }: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    return toConnection(await services.tunes.list(first, after));
  }

  @Query(() => Tune, { nullable: true })
  tune(@Ctx() { services }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<TuneRecord | null> {
    return services.tunes.get(id);
  }

  @Mutation(() => Tune)
  createTune(@Ctx() { services }: GraphQLContext, @Arg("input", () => CreateTuneInput) input: CreateTuneInput): Promise<TuneRecord> {
    return services.tunes.create(input);
  }

  @Mutation(() => Boolean, { description: "Hides the tune from lists and new work; existing prompts and jobs keep it." })
  deleteTune(@Ctx() { services }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return services.tunes.delete(id);
  }

  @FieldResolver(() => Tune, { nullable: true })
  async baseTune(@Root() tune: TuneRecord, @Ctx() { loaders }: GraphQLContext): Promise<TuneRecord | null> {
    return tune.baseTuneId ? loaders.tune.load(tune.baseTuneId) : null;
  }
}
