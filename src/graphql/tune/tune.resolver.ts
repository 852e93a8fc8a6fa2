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
    @Ctx() { services, caller }: GraphQLContext,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    return toConnection(await services.tunes.list(caller.owner, first, after));
  }

  @Query(() => Tune, { nullable: true, description: "A tune by id, or by an alias other APIs use (see Tune.aliases)." })
  tune(@Ctx() { services, caller }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<TuneRecord | null> {
    return services.tunes.get(caller.owner, id);
  }

  @Mutation(() => Tune)
  createTune(@Ctx() { services, caller }: GraphQLContext, @Arg("input", () => CreateTuneInput) input: CreateTuneInput): Promise<TuneRecord> {
    return services.tunes.create(caller.owner, input);
  }

  @Mutation(() => Boolean, { description: "Hides the tune from lists and new work; existing prompts and jobs keep it." })
  deleteTune(@Ctx() { services, caller }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return services.tunes.delete(caller.owner, id);
  }

  @FieldResolver(() => [String], {
    description: "What stops this tune's backend from running jobs on this server, in words an operator can act on; empty when it runs (docs/gpu.md).",
  })
  unavailableBecause(@Root() tune: TuneRecord, @Ctx() { services }: GraphQLContext): readonly string[] {
    return services.tunes.missingFor(tune);
  }

  @FieldResolver(() => [String], {
    description:
      "Model ids of other APIs that name this tune here: Astria's 1504944 (Flux1.dev) and Runware's runware:102@1 (FLUX.1 [dev] Fill) and runware:101@1 name the FLUX tune when there is one, else the default tune.",
  })
  aliases(@Root() tune: TuneRecord, @Ctx() { services, caller }: GraphQLContext): Promise<string[]> {
    return services.tunes.aliasesOf(caller.owner, tune);
  }

  @FieldResolver(() => Tune, { nullable: true })
  async baseTune(@Root() tune: TuneRecord, @Ctx() { loaders }: GraphQLContext): Promise<TuneRecord | null> {
    return tune.baseTuneId ? loaders.tune.load(tune.baseTuneId) : null;
  }
}
