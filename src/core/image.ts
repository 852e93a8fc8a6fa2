import { fileExtension, type ImageFormat } from "./image-format.js";

export interface ImageRecord {
  id: string;
  sha256: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  createdAt: Date;
}

/** Where clients download an image: <origin>/images/<id>.<ext>. */
export function imageUrl(origin: string, image: ImageRecord): string {
  return `${origin}/images/${image.id}.${fileExtension(image.format)}`;
}
