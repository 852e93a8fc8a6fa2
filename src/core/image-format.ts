export const IMAGE_FORMATS = ["PNG", "JPEG", "WEBP"] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

const BY_FORMAT: Record<ImageFormat, { extension: string; contentType: string }> = {
  PNG: { extension: "png", contentType: "image/png" },
  JPEG: { extension: "jpg", contentType: "image/jpeg" },
  WEBP: { extension: "webp", contentType: "image/webp" },
};

export function fileExtension(format: ImageFormat): string {
  return BY_FORMAT[format].extension;
}

export function contentType(format: ImageFormat): string {
  return BY_FORMAT[format].contentType;
}

/** Accepts the extensions clients put on image URLs: png, jpg, jpeg, webp (any case). */
export function formatOfExtension(extension: string): ImageFormat | undefined {
  const lower = extension.toLowerCase();
  if (lower === "jpeg") return "JPEG";
  return IMAGE_FORMATS.find((format) => BY_FORMAT[format].extension === lower);
}
