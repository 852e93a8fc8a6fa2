import type { ImageFormat } from "../../core/image-format.js";
import type { Client } from "./client.js";

const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELLED"];

export interface PurgedImage {
  sha256: string;
  format: ImageFormat;
}

/** Deletes what has outlived the retention period. Run each method inside a transaction. */
export class RetentionRepository {
  constructor(private readonly client: Client) {}

  /** Up to `limit` jobs that ended before `cutoff`, with their webhook deliveries; returns their prompt ids. */
  async deleteEndedJobs(cutoff: Date, limit: number): Promise<{ jobs: number; promptIds: string[] }> {
    const jobs = await this.client.outpaintJob.findMany({
      where: { status: { in: TERMINAL }, finishedAt: { lt: cutoff } },
      select: { id: true, promptId: true },
      take: limit,
    });
    if (jobs.length === 0) return { jobs: 0, promptIds: [] };
    const ids = jobs.map((job) => job.id);
    await this.client.webhookDelivery.deleteMany({ where: { jobId: { in: ids } } });
    await this.client.outpaintJob.deleteMany({ where: { id: { in: ids } } });
    return { jobs: jobs.length, promptIds: [...new Set(jobs.flatMap((job) => (job.promptId ? [job.promptId] : [])))] };
  }

  /** Prompts among `promptIds` that have no jobs left, with their deliveries. */
  async deleteEmptyPrompts(promptIds: string[]): Promise<number> {
    if (promptIds.length === 0) return 0;
    const kept = await this.client.outpaintJob.findMany({
      where: { promptId: { in: promptIds } },
      select: { promptId: true },
      distinct: ["promptId"],
    });
    const keep = new Set(kept.map((job) => job.promptId));
    const empty = promptIds.filter((id) => !keep.has(id));
    await this.client.webhookDelivery.deleteMany({ where: { promptId: { in: empty } } });
    const { count } = await this.client.prompt.deleteMany({ where: { id: { in: empty } } });
    return count;
  }

  /**
   * Looks at up to `limit` images stored before `cutoff` (after the id `afterId`, in id order)
   * and deletes those no job uses. Returns their files' keys and where to continue.
   */
  async deleteUnusedImages(
    cutoff: Date,
    afterId: string,
    limit: number,
  ): Promise<{ purged: PurgedImage[]; lastId: string | null }> {
    const old = await this.client.image.findMany({
      where: { createdAt: { lt: cutoff }, id: { gt: afterId } },
      select: { id: true, sha256: true, format: true },
      orderBy: { id: "asc" },
      take: limit,
    });
    if (old.length === 0) return { purged: [], lastId: null };
    const ids = old.map((image) => image.id);
    const users = await this.client.outpaintJob.findMany({
      where: { OR: [{ inputImageId: { in: ids } }, { generatedImageId: { in: ids } }, { resultImageId: { in: ids } }, { previewImageId: { in: ids } }] },
      select: { inputImageId: true, generatedImageId: true, resultImageId: true, previewImageId: true },
    });
    const used = new Set(users.flatMap((job) => [job.inputImageId, job.generatedImageId, job.resultImageId, job.previewImageId]));
    const unused = old.filter((image) => !used.has(image.id));
    await this.client.image.deleteMany({ where: { id: { in: unused.map((image) => image.id) } } });
    // Files are shared by content across owners: one stays while any owner's row still names it.
    const kept = await this.client.image.findMany({
      where: { sha256: { in: unused.map((image) => image.sha256) } },
      select: { sha256: true },
    });
    const stillUsed = new Set(kept.map((image) => image.sha256));
    return {
      purged: unused
        .filter((image) => !stillUsed.has(image.sha256))
        .map(({ sha256, format }) => ({ sha256, format: format as ImageFormat })),
      lastId: old.length < limit ? null : old[old.length - 1]!.id,
    };
  }
}
