/** Largest JSON or form body: inline base64 images (4/3 of their bytes) plus room for the rest. */
export function inlineBodyLimit(maxUploadBytes: number): number {
  return Math.ceil(maxUploadBytes * 1.4) + 1024 * 1024;
}
