import type { ReadStream } from "node:fs";
import { described, ForbiddenError, InputError } from "../../core/errors.js";
import { newId } from "../../core/ids.js";
import type { ImageRecord } from "../../core/image.js";
import type { JobRecord } from "../../core/job.js";
import type { Caller } from "../../core/owner.js";
import type { ImageFormat } from "../../core/image-format.js";
import type { Database } from "../../infrastructure/db/database.js";
import type { Repositories } from "../../infrastructure/db/repositories.js";
import { decodeImage, encodeImage, inspectImage, type RawImage } from "../../infrastructure/media/codec.js";
import { sha256Hex, type ImageStore } from "../../infrastructure/media/image-store.js";
import { readImageInput, type ImageInputValue } from "./image-input.js";
import { TtlCache } from "../../infrastructure/ttl-cache.js";
import type { ImageLinks } from "./image-links.js";
import type { UrlFetcher } from "../../infrastructure/net/url-fetcher.js";

/**
 * An image a request refers to, checked but not yet stored. Requests validate everything first,
 * then `commit` writes: a refused request leaves nothing behind.
 */
export interface PreparedImage {
  width: number;
  height: number;
  format: ImageFormat;
  sha256: string;
  /** Whose it is, once stored. */
  ownerId: string;
  /** Set when the image is already stored. */
  existing: ImageRecord | null;
  /** Bytes to store, when the image came inline. */
  bytes: Buffer | null;
}

/** Image rows never change once written; one named again within this is not read again. */
const BY_ID_TTL_MS = 10_000;

export class ImageService {
  /** Input images named by id, by owner and id: the same upload is often outpainted many times. */
  readonly #byId = new TtlCache<string, ImageRecord | null>(BY_ID_TTL_MS, 1000);

  constructor(
    private readonly db: Database,
    private readonly store: ImageStore,
    private readonly fetcher: UrlFetcher,
    private readonly maxBytes: number,
    readonly links: ImageLinks,
  ) {}

  /**
   * The image behind a download request: the owner's (with a key, or on a keyless server), or,
   * without a key, any image whose URL signature is right and has not expired.
   */
  async forDownload(id: string, caller: Caller | null, link: { expires: unknown; signature: unknown }): Promise<ImageRecord | null> {
    if (caller) return this.db.images.find(id, caller.owner);
    const check = this.links.check(id, link.expires, link.signature, new Date());
    if (check === "EXPIRED") {
      throw new ForbiddenError(`This link to image ${id} has expired; the API gives a fresh link with the image, or download it with an API key`);
    }
    return check === "VALID" ? this.db.images.find(id) : null;
  }

  get(owner: string, id: string): Promise<ImageRecord | null> {
    return this.db.images.find(id, owner);
  }

  getMany(ids: readonly string[]): Promise<ImageRecord[]> {
    return this.db.images.findMany(ids);
  }

  /** The input and result images of `jobs`, by id, in one query. */
  forJobs(jobs: readonly JobRecord[]): Promise<Map<string, ImageRecord>> {
    return this.db.images.forJobs(jobs);
  }

  /** Stores uploaded bytes (once per content) and returns the image. */
  async upload(owner: string, bytes: Buffer, field = "body"): Promise<ImageRecord> {
    if (bytes.length > this.maxBytes) {
      throw new InputError(field, `at most ${this.maxBytes} bytes`, described(`${bytes.length} bytes`), "PAYLOAD_TOO_LARGE");
    }
    const info = await inspectImage(bytes, field);
    const prepared: PreparedImage = { ...info, sha256: sha256Hex(bytes), ownerId: owner, existing: null, bytes };
    await this.writeFile(prepared);
    return this.db.images.findOrCreate(this.recordOf(prepared));
  }

  /** Stores the image an ImageInput names (bytes, data URI or URL; an id names one stored already) and returns it. */
  async save(owner: string, value: ImageInputValue, field: string): Promise<ImageRecord> {
    const prepared = await this.prepare(owner, value, field);
    await this.writeFile(prepared);
    return this.record(this.db, prepared);
  }

  /** The stored file's bytes. */
  bytes(image: ImageRecord): Promise<Buffer> {
    return this.store.read(image.sha256, image.format);
  }

  /** Validates an ImageInput and reads what it names, writing nothing. */
  async prepare(owner: string, value: ImageInputValue, field: string): Promise<PreparedImage> {
    const source = readImageInput(value, field, this.maxBytes);
    if (source.kind === "id") {
      const image = await this.#byId.getOrLoad(`${owner}\u0000${source.id}`, () => this.db.images.find(source.id, owner));
      if (!image) throw new InputError(`${field}.id`, "the id of an uploaded image", source.id);
      return { ...image, existing: image, bytes: null };
    }
    const bytes = source.kind === "url" ? await this.fetcher.fetch(source.url, source.field) : source.bytes;
    const info = await inspectImage(bytes, source.field);
    return { ...info, sha256: sha256Hex(bytes), ownerId: owner, existing: null, bytes };
  }

  /** Writes a prepared image's file; call before the transaction that records it. */
  async writeFile(image: PreparedImage): Promise<void> {
    if (image.bytes) await this.store.put(image.bytes, image.format);
  }

  /** Records a prepared image inside the caller's transaction. */
  async record(tx: Repositories, image: PreparedImage): Promise<ImageRecord> {
    return image.existing ?? tx.images.findOrCreate(this.recordOf(image));
  }

  async decode(image: ImageRecord): Promise<RawImage> {
    return decodeImage(await this.store.read(image.sha256, image.format));
  }

  /** Encodes pixels, stores the file and records the image. */
  async saveRaw(owner: string, raw: RawImage, format: ImageFormat): Promise<ImageRecord> {
    const bytes = await encodeImage(raw, format);
    const sha256 = await this.store.put(bytes, format);
    return this.db.images.findOrCreate(
      this.recordOf({ format, width: raw.width, height: raw.height, sha256, ownerId: owner, existing: null, bytes }),
    );
  }

  stream(image: ImageRecord): ReadStream {
    return this.store.stream(image.sha256, image.format);
  }

  private recordOf(image: PreparedImage): ImageRecord {
    return {
      id: newId(),
      ownerId: image.ownerId,
      sha256: image.sha256,
      format: image.format,
      width: image.width,
      height: image.height,
      bytes: image.bytes?.length ?? 0,
      createdAt: new Date(),
    };
  }
}
