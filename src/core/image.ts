import type { ImageFormat } from "./image-format.js";

export interface ImageRecord {
  id: string;
  ownerId: string;
  sha256: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  createdAt: Date;
}
