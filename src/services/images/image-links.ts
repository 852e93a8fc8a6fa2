import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { fileExtension } from "../../core/image-format.js";
import type { ImageRecord } from "../../core/image.js";
import type { Repositories } from "../../db/repositories.js";

// Image URLs carry a signature of the image id, so they cannot be guessed from an id: only
// whoever was given the URL (its owner, or a callback the owner named) can fetch it without a key.

const SECRET_KEY = "images.link-secret";
const SIGNATURE_BYTES = 16;

/** The absolute URL of an image, for one origin. */
export type ImageUrlOf = (image: ImageRecord) => string;

export class ImageLinks {
  private constructor(private readonly secret: Buffer) {}

  /** Uses the server's link secret, generated on first start and kept in the database. */
  static async open(db: Repositories): Promise<ImageLinks> {
    const secret = await db.settings.getOrCreate(SECRET_KEY, randomBytes(32).toString("base64url"));
    return new ImageLinks(Buffer.from(secret, "base64url"));
  }

  /** <origin>/images/<id>.<ext>?sig=<signature> */
  url(origin: string, image: ImageRecord): string {
    return `${origin}/images/${image.id}.${fileExtension(image.format)}?sig=${this.#sign(image.id).toString("base64url")}`;
  }

  at(origin: string): ImageUrlOf {
    return (image) => this.url(origin, image);
  }

  verify(id: string, signature: unknown): boolean {
    if (typeof signature !== "string") return false;
    const given = Buffer.from(signature, "base64url");
    return given.length === SIGNATURE_BYTES && timingSafeEqual(given, this.#sign(id));
  }

  #sign(id: string): Buffer {
    return createHmac("sha256", this.secret).update(id).digest().subarray(0, SIGNATURE_BYTES);
  }
}
