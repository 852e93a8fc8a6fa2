import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { imageUrl, type ImageRecord } from "../../core/image.js";
import type { GraphQLContext } from "../context.js";
import { Image } from "./image.type.js";

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => Image, { nullable: true })
  image(@Ctx() { services }: GraphQLContext, @Arg("id", () => ID) id: string): Promise<ImageRecord | null> {
    return services.images.get(id);
  }

  @FieldResolver(() => String, { description: "Where to download the file; GET it with or without the extension." })
  url(@Root() image: ImageRecord, @Ctx() { baseUrl }: GraphQLContext): string {
    return imageUrl(baseUrl, image);
  }
}
