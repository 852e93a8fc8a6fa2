import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileExtension, type ImageFormat } from "../../core/image-format.js";

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

  /**
   * Deletes temporary files last modified before `olderThan`: writes a crash (SIGKILL, power loss)
   * cut short. A live write is milliseconds old, so a cutoff in the past never touches one, even
   * of another process sharing the directory. Returns how many were deleted.
   */
  async removeStaleTemporaryFiles(olderThan: Date): Promise<number> {
    let removed = 0;
    const shards = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const shard of shards) {
      if (!shard.isDirectory()) continue;
      const dir = join(this.root, shard.name);
      for (const name of await readdir(dir).catch(() => [])) {
        if (!name.endsWith(".tmp")) continue;
        const path = join(dir, name);
        const info = await stat(path).catch(() => null);
        if (info && info.mtime < olderThan) {
          await rm(path, { force: true });
          removed++;
        }
      }
    }
    return removed;
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
