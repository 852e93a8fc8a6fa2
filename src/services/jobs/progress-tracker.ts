import type { JobRecord, JobStage } from "../../core/job.js";
import type { FinalUpdate } from "../../infrastructure/db/job.repository.js";
import type { Database } from "../../infrastructure/db/database.js";
import { publishJob, type AppEvents } from "../../infrastructure/events/topics.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";

export interface StepUpdate {
  stage: JobStage;
  pass: number;
  step: number;
  totalSteps: number;
}

/**
 * The live state of one running attempt. Every change is published at once; writes to the
 * database are coalesced (at most one per `persistEveryMs`), so `job(id)` is recent without a
 * durable write per step or stage: a job of a few milliseconds costs two commits (claim and end),
 * not five. The final state is always written before it is published.
 */
export class ProgressTracker {
  #job: JobRecord;
  #lastPersisted = 0;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;
  readonly #attempt: number;
  readonly #startedAt: number;

  constructor(
    job: JobRecord,
    private readonly db: Database,
    private readonly events: AppEvents,
    private readonly outbox: WebhookOutbox,
    private readonly persistEveryMs = 250,
  ) {
    this.#job = job;
    this.#attempt = job.attempts;
    this.#startedAt = job.startedAt?.getTime() ?? Date.now();
    this.#lastPersisted = Date.now();
  }

  get job(): JobRecord {
    return this.#job;
  }

  /** Publishes the claimed state (already in the database). */
  announce(): void {
    publishJob(this.events, this.#job);
  }

  /**
   * A step of the run. `totalSteps` may be an estimate that grows (later passes of a multi-stage
   * outpaint are larger); percent never goes back within a run.
   */
  update({ stage, pass, step, totalSteps }: StepUpdate): void {
    const now = Date.now();
    const elapsedSeconds = (now - this.#startedAt) / 1000;
    const percent = totalSteps > 0 ? Math.min(100, Math.round((step / totalSteps) * 1000) / 10) : 0;
    this.#job = {
      ...this.#job,
      stage,
      pass,
      step,
      totalSteps,
      percent: Math.max(percent, this.#job.percent),
      etaSeconds: step > 0 && totalSteps > 0 ? Math.round((elapsedSeconds / step) * (totalSteps - step) * 10) / 10 : null,
      revision: this.#job.revision + 1,
    };
    publishJob(this.events, this.#job);
    if (now - this.#lastPersisted >= this.persistEveryMs) this.#persist(now);
  }

  /** The generate stage's image and the transformer that made it; always persisted, and the job's preview too. */
  generated(imageId: string, generator: string): void {
    this.#job = { ...this.#job, generatedImageId: imageId, generator, previewImageId: imageId, revision: this.#job.revision + 1 };
    publishJob(this.events, this.#job);
    this.#persist(Date.now());
  }

  /** The latest intermediate image (a finished pass of a multi-stage outpaint); always persisted. */
  preview(previewImageId: string): void {
    this.#job = { ...this.#job, previewImageId, revision: this.#job.revision + 1 };
    publishJob(this.events, this.#job);
    this.#persist(Date.now());
  }

  /**
   * Writes the outcome, with its webhook events, if this attempt still owns the job; publishes
   * it only then.
   */
  async finish(update: Omit<FinalUpdate, "revision" | "finishedAt">): Promise<boolean> {
    await this.#writing;
    const finishedAt = new Date();
    const final: FinalUpdate = { ...update, finishedAt, revision: this.#job.revision + 1 };
    const ended: JobRecord = {
      ...this.#job,
      status: final.status,
      stage: final.stage === undefined ? this.#job.stage : final.stage,
      step: final.step ?? this.#job.step,
      percent: final.percent ?? this.#job.percent,
      etaSeconds: null,
      resultImageId: final.resultImageId ?? this.#job.resultImageId,
      error: final.error ?? null,
      finishedAt,
      revision: final.revision,
    };
    const { owned, queued } = await this.db.transaction(async (tx) => {
      const owned = await tx.jobs.finish(this.#job.id, this.#attempt, final);
      return { owned, queued: owned && (await this.outbox.recordJobEnded(tx, ended)) };
    });
    if (!owned) return false;
    this.#job = ended;
    publishJob(this.events, ended);
    if (queued) this.outbox.notifyQueued();
    return true;
  }

  #persist(now: number): void {
    this.#lastPersisted = now;
    if (this.#dirty) return; // a write is queued and will take the newest state
    this.#dirty = true;
    this.#writing = this.#writing
      .then(async () => {
        this.#dirty = false;
        const { stage, pass, step, totalSteps, percent, etaSeconds, revision, previewImageId, generatedImageId, generator, id } = this.#job;
        await this.db.jobs.saveProgress(
          id,
          this.#attempt,
          { stage: stage!, pass, step, totalSteps, percent, etaSeconds, revision, previewImageId, generatedImageId, generator },
          new Date(),
        );
      })
      // Progress writes are best effort; the final write, which must not be lost, is awaited by finish().
      .catch(() => undefined);
  }
}
