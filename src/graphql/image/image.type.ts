import { Field, ID, Int, ObjectType } from "type-graphql";
import type { ImageFormat } from "../../core/image-format.js";
import { ImageFormatEnum } from "../common/enums.js";

@ObjectType({ description: "A stored image. The same bytes are stored once." })
export class Image {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: "As displayed (EXIF orientation applied)." })
  width!: number;

  @Field(() => Int)
  height!: number;

  @Field(() => ImageFormatEnum)
  format!: ImageFormat;

  @Field(() => Int, { description: "Size of the stored file." })
  bytes!: number;

  @Field(() => String, { description: "SHA-256 of the stored file, hex." })
  sha256!: string;

  @Field(() => Date)
  createdAt!: Date;
}
