import type { ImageRecord } from "../../core/image.js";
import type { JobRecord } from "../../core/job.js";
import type { ImageFormat } from "../../core/image-format.js";
import type { Image } from "./generated/sqlite/client.js";
import type { Client, DatabaseKind } from "./client.js";

function toRecord(row: Image): ImageRecord {
  return { ...row, format: row.format as ImageFormat };
}

export class ImageRepository {
  constructor(
    private readonly client: Client,
    private readonly kind: DatabaseKind,
  ) {}

  /** The image, when `owner` has it (any owner's when `owner` is undefined: internal use). */
  async find(id: string, owner?: string): Promise<ImageRecord | null> {
    const row = await this.client.image.findFirst({ where: { id, ownerId: owner } });
    return row && toRecord(row);
  }

  async findMany(ids: readonly string[]): Promise<ImageRecord[]> {
    const rows = await this.client.image.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toRecord);
  }

  /** The input and result images of `jobs`, by id. */
  async forJobs(jobs: readonly JobRecord[]): Promise<Map<string, ImageRecord>> {
    const ids = jobs.flatMap((job) => [job.inputImageId, job.generatedImageId, job.resultImageId].filter((id): id is string => id !== null));
    return new Map((await this.findMany(ids)).map((image) => [image.id, image]));
  }

  /** The owner's image with these bytes: the existing row when the owner already has them, else `image`. */
  async findOrCreate(image: ImageRecord): Promise<ImageRecord> {
    if (this.kind === "postgresql") {
      // Two requests may record the same image at once: PostgreSQL runs their transactions side by
      // side, and a unique violation would abort the whole transaction, so the insert yields instead.
      const { id, ownerId, sha256, format, width, height, bytes, createdAt } = image;
      await this.client.$executeRaw`INSERT INTO "Image" ("id", "ownerId", "sha256", "format", "width", "height", "bytes", "createdAt")
        VALUES (${id}, ${ownerId}, ${sha256}, ${format}, ${width}, ${height}, ${bytes}, ${createdAt})
        ON CONFLICT ("ownerId", "sha256") DO NOTHING`;
      return toRecord((await this.client.image.findFirst({ where: { ownerId, sha256 } }))!);
    }
    // SQLite runs one transaction at a time.
    const row = await this.client.image.upsert({
      where: { ownerId_sha256: { ownerId: image.ownerId, sha256: image.sha256 } },
      create: image,
      update: {},
    });
    return toRecord(row);
  }
}
