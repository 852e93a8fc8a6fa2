import type { Logger } from "pino";
import type { Database } from "../infrastructure/db/database.js";
import type { ImageStore } from "../infrastructure/media/image-store.js";
import { IDEMPOTENCY_TTL_MS } from "./idempotency.js";

const BATCH = 500;
/** An image write takes milliseconds; a temporary file this old was left by a crash. */
const TEMPORARY_FILE_MAX_AGE_MS = 60 * 60 * 1000;

export interface MaintenanceReport {
  idempotencyKeys: number;
  jobs: number;
  prompts: number;
  images: number;
  temporaryFiles: number;
}

/**
 * Periodic housekeeping: forgets expired idempotency keys, deletes image files a crash left half
 * written and, when a retention period is set,
 * deletes ended jobs, their emptied prompts and the images nothing uses any more (files too).
 */
export class Maintenance {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly store: ImageStore,
    private readonly options: { retentionMs: number; intervalMs: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.#running = this.runOnce(new Date()).catch((error: unknown) => this.logger.error({ err: error }, "maintenance failed"));
    };
    tick();
    this.#timer = setInterval(tick, this.options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  async runOnce(now: Date): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { idempotencyKeys: 0, jobs: 0, prompts: 0, images: 0, temporaryFiles: 0 };
    report.idempotencyKeys = await this.db.idempotency.deleteOlderThan(new Date(now.getTime() - IDEMPOTENCY_TTL_MS));
    report.temporaryFiles = await this.store.removeStaleTemporaryFiles(new Date(now.getTime() - TEMPORARY_FILE_MAX_AGE_MS));
    if (this.options.retentionMs > 0) {
      const cutoff = new Date(now.getTime() - this.options.retentionMs);
      for (;;) {
        const { jobs, prompts } = await this.db.transaction(async (tx) => {
          const deleted = await tx.retention.deleteEndedJobs(cutoff, BATCH);
          return { jobs: deleted.jobs, prompts: await tx.retention.deleteEmptyPrompts(deleted.promptIds) };
        });
        report.jobs += jobs;
        report.prompts += prompts;
        if (jobs < BATCH) break;
      }
      for (let afterId: string | null = ""; afterId !== null; ) {
        const from: string = afterId;
        const { purged, lastId } = await this.db.transaction((tx) => tx.retention.deleteUnusedImages(cutoff, from, BATCH));
        // Rows first, files after: a crash in between leaves an orphan file, never a row without one.
        for (const image of purged) await this.store.remove(image.sha256, image.format);
        report.images += purged.length;
        afterId = lastId;
      }
    }
    if (Object.values(report).some((count) => count > 0)) {
      this.logger.info(report, "maintenance deleted expired data");
    }
    return report;
  }
}
