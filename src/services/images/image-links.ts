import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { fileExtension } from "../../core/image-format.js";
import type { ImageRecord } from "../../core/image.js";
import type { Repositories } from "../../infrastructure/db/repositories.js";

// Image URLs carry a signature of the image id and of when the link expires, so they cannot be
// guessed from an id: only whoever was given the URL (its owner, or a callback the owner named)
// can fetch it without a key, and only until it expires, as presigned object-store URLs do. The
// expiry is rounded up to the hour, so the URLs given out within an hour are the same URL (a
// browser's cache keeps working) and the server keeps no state per link.

const SECRET_KEY = "images.link-secret";
const SIGNATURE_BYTES = 16;
const EXPIRY_STEP_SECONDS = 3600;

/** The absolute URL of an image, for one origin. */
export type ImageUrlOf = (image: ImageRecord) => string;

export type LinkCheck = "VALID" | "INVALID" | "EXPIRED";

export class ImageLinks {
  private constructor(
    private readonly secret: Buffer,
    /** How long a link works at least (at most an hour more); 0: for ever. */
    private readonly ttlMs: number,
  ) {}

  /** Uses the server's link secret, generated on first start and kept in the database. */
  static async open(db: Repositories, ttlMs: number): Promise<ImageLinks> {
    const secret = await db.settings.getOrCreate(SECRET_KEY, randomBytes(32).toString("base64url"));
    return new ImageLinks(Buffer.from(secret, "base64url"), ttlMs);
  }

  /** <origin>/images/<id>.<ext>?exp=<unix seconds>&sig=<signature>; without exp when links never expire. */
  url(origin: string, image: ImageRecord, now = new Date()): string {
    const expires = this.ttlMs === 0 ? null : Math.ceil((now.getTime() + this.ttlMs) / 1000 / EXPIRY_STEP_SECONDS) * EXPIRY_STEP_SECONDS;
    const query = expires === null ? "" : `exp=${expires}&`;
    return `${origin}/images/${image.id}.${fileExtension(image.format)}?${query}sig=${this.#sign(image.id, expires).toString("base64url")}`;
  }

  at(origin: string): ImageUrlOf {
    return (image) => this.url(origin, image);
  }

  /** Whether `signature` (and `expires`, as the URL gave them) grant `id` at `now`. */
  check(id: string, expires: unknown, signature: unknown, now: Date): LinkCheck {
    if (typeof signature !== "string") return "INVALID";
    const until = this.ttlMs === 0 ? null : typeof expires === "string" && /^\d{1,12}$/.test(expires) ? Number(expires) : undefined;
    if (until === undefined) return "INVALID";
    const given = Buffer.from(signature, "base64url");
    if (given.length !== SIGNATURE_BYTES || !timingSafeEqual(given, this.#sign(id, until))) return "INVALID";
    return until !== null && now.getTime() > until * 1000 ? "EXPIRED" : "VALID";
  }

  #sign(id: string, expires: number | null): Buffer {
    return createHmac("sha256", this.secret)
      .update(expires === null ? id : `${id}.${expires}`)
      .digest()
      .subarray(0, SIGNATURE_BYTES);
  }
}
