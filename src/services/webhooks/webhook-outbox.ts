import { newId } from "../../core/ids.js";
import { aggregateStatus, isTerminal, type JobRecord } from "../../core/job.js";
import type { Repositories } from "../../infrastructure/db/repositories.js";
import type { ImageLinks, ImageUrlOf } from "../images/image-links.js";
import { runwareWebhookBody } from "../runware/runware-results.js";
import { astriaPromptJson, jobJson, promptJson } from "./payloads.js";

/**
 * Writes webhook events into the outbox inside the transaction that ends a job, so an event
 * exists exactly when its state change does. The dispatcher delivers them afterwards.
 */
export class WebhookOutbox {
  #origin = "http://localhost";
  #urlOf: ImageUrlOf;
  #onQueued: () => void = () => {};

  constructor(private readonly links: ImageLinks) {
    this.#urlOf = links.at(this.#origin);
  }

  /** The origin image URLs in events use; known once the server listens. */
  setOrigin(origin: string): void {
    this.#origin = origin;
    this.#urlOf = this.links.at(origin);
  }

  /** Called after a transaction that queued events commits. */
  onQueued(listener: () => void): void {
    this.#onQueued = listener;
  }

  notifyQueued(): void {
    this.#onQueued();
  }

  /**
   * Queues the job's event (if it has a callback) and, when it was the last of its prompt's jobs
   * to end, the prompt's (if the prompt has a callback). `job` is the job as it ends.
   */
  async recordJobEnded(tx: Repositories, job: JobRecord): Promise<boolean> {
    let queued = false;
    const now = new Date();
    if (job.callbackUrl) {
      const images = await tx.images.forJobs([job]);
      const type = `job.${job.status.toLowerCase()}`;
      // Runware POSTs its result items; the Standard Webhooks headers still come with them.
      const body = job.callbackFormat === "RUNWARE" ? runwareWebhookBody(job, images, this.#urlOf) : envelope(type, now, jobJson(job, images, this.#urlOf));
      await this.#enqueue(tx, job.callbackUrl, type, body, now, {
        jobId: job.id,
        promptId: job.promptId,
      });
      queued = true;
    }
    if (job.promptId) {
      await tx.prompts.lock(job.promptId);
      const prompt = await tx.prompts.find(job.promptId);
      const jobs = prompt?.callbackUrl ? await tx.jobs.listByPrompt([job.promptId]) : [];
      const statuses = jobs.map((sibling) => sibling.status);
      // Several of a prompt's jobs can end in one transaction (crash recovery); its event goes out once.
      if (prompt?.callbackUrl && statuses.every(isTerminal) && !(await tx.webhooks.hasPromptEvent(prompt.id))) {
        const images = await tx.images.forJobs(jobs);
        const type = `prompt.${aggregateStatus(statuses).toLowerCase()}`;
        // Astria POSTs the prompt itself; the Standard Webhooks headers still come with it.
        const body =
          prompt.callbackFormat === "ASTRIA"
            ? JSON.stringify(astriaPromptJson(prompt, jobs, images, this.#origin, this.#urlOf))
            : envelope(type, now, promptJson(prompt, jobs, images, this.#urlOf));
        await this.#enqueue(tx, prompt.callbackUrl, type, body, now, { jobId: null, promptId: prompt.id });
        queued = true;
      }
    }
    return queued;
  }

  async #enqueue(
    tx: Repositories,
    url: string,
    type: string,
    body: string,
    now: Date,
    owner: { jobId: string | null; promptId: string | null },
  ): Promise<void> {
    await tx.webhooks.enqueue({ id: `msg_${newId()}`, ...owner, url, eventType: type, body, createdAt: now });
  }
}

/** The Standard Webhooks event body: { type, timestamp, data }. */
function envelope(type: string, now: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: now.toISOString(), data });
}
