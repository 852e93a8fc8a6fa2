import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import type { AppEvents } from "../infrastructure/events/topics.js";
import { scalarsMap } from "./common/scalars.js";
import { ImageResolver } from "./image/image.resolver.js";
import { JobResolver } from "./job/job.resolver.js";
import { PromptResolver } from "./prompt/prompt.resolver.js";
import { TuneResolver } from "./tune/tune.resolver.js";

/**
 * `events` is the services' typed bus. The subscriptions read it through the services (which
 * add the current state first and complete at the end); type-graphql only requires a PubSub.
 */
export function buildAppSchema(events: AppEvents): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [TuneResolver, PromptResolver, JobResolver, ImageResolver],
    scalarsMap,
    pubSub: events as unknown as PubSub,
    // The services validate every input with the API's own error wording.
    validate: false,
  });
}

/** The SDL committed as schema.graphql: sorted, so it changes only when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
