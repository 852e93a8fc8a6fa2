import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { access, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileExtension, type ImageFormat } from "../core/image-format.js";

export function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Encoded images on local disk, content-addressed: <root>/<first two hex>/<sha256>.<ext>.
 * The same bytes are stored once. Writes are atomic (temporary file, then rename), so a crash
 * never leaves a partial file under a real name.
 */
export class ImageStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string, format: ImageFormat): string {
    return join(this.root, sha256.slice(0, 2), `${sha256}.${fileExtension(format)}`);
  }

  async put(bytes: Buffer, format: ImageFormat): Promise<string> {
    const sha256 = sha256Hex(bytes);
    const path = this.pathOf(sha256, format);
    if (await exists(path)) return sha256;
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, bytes, { flush: true });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return sha256;
  }

  /** Deletes the file; a file already gone is not an error. */
  async remove(sha256: string, format: ImageFormat): Promise<void> {
    await rm(this.pathOf(sha256, format), { force: true });
  }

  read(sha256: string, format: ImageFormat): Promise<Buffer> {
    return readFile(this.pathOf(sha256, format));
  }

  stream(sha256: string, format: ImageFormat): ReadStream {
    return createReadStream(this.pathOf(sha256, format));
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
