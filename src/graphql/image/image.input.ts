import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Exactly one of: an uploaded image id (POST /v1/images), a data URI, or base64 bytes. PNG, JPEG or WebP." })
export class ImageInput {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true, description: "Not enabled on this server yet." })
  url?: string | null;

  @Field(() => String, { nullable: true, description: "data:image/<type>;base64,<data>" })
  dataUri?: string | null;

  @Field(() => String, { nullable: true })
  base64?: string | null;
}
