import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { ImageRecord } from "../../core/image.js";
import type { GraphQLContext } from "../context.js";
import { Image } from "./image.type.js";

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => Image, { nullable: true })
  image(@Ctx() { services, caller }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<ImageRecord | null> {
    return services.images.get(caller.owner, id);
  }

  @FieldResolver(() => String, {
    description: "Where to download the file (with or without the extension). The URL is signed: it works without a key, for whoever it is given to.",
  })
  url(@Root() image: ImageRecord, @Ctx() { baseUrl, services }: GraphQLContext): string {
    return services.images.links.url(baseUrl, image);
  }
}
