import { fileExtension } from "../../core/image-format.js";
import type { ImageRecord } from "../../core/image.js";

export function imageUrl(baseUrl: string, image: ImageRecord): string {
  return `${baseUrl}/images/${image.id}.${fileExtension(image.format)}`;
}
