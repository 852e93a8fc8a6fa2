import { Queue } from "bullmq";
import type { Logger } from "pino";
import { isTerminal, type JobRecord } from "../../core/job.js";
import { settlesWithin } from "../../core/timing.js";
import type { Database } from "../../infrastructure/db/database.js";
import type { AppEvents } from "../../infrastructure/events/topics.js";
import type { RedisChannels } from "../../infrastructure/events/redis-channels.js";
import type { Backend } from "../../core/tune.js";
import { BACKENDS } from "../../core/tune.js";
import type { JobQueue } from "./job-queue.js";

/**
 * One queue per backend, so a worker takes only jobs it can run: a CPU-only worker never takes a
 * FLUX job (it would fail it), and FLUX jobs wait for a GPU worker.
 */
export function queueName(backend: Backend): string {
  return `outpaint-jobs-${backend}`;
}
export const CANCEL_CHANNEL = "cancel";
/** BullMQ's highest priority; lower numbers run first. */
const MAX_PRIORITY = 2_097_151;

export interface QueuedJobData {
  jobId: string;
}

/** Where the queue lives: the Redis server, and the prefix of the deployment's keys there. */
export interface RedisQueueConnection {
  url: string;
  prefix: string;
}

/**
 * The distributed queue's producer side, used by API processes: the database stays the record
 * of every job, and Redis (BullMQ) carries which to run next to the workers. A job committed
 * here but not handed to Redis (Redis down, process killed in between) is found by the workers'
 * reconciliation, so nothing accepted is lost.
 */
export class RedisJobQueue implements JobQueue {
  private readonly queues: ReadonlyMap<Backend, Queue<QueuedJobData>>;

  constructor(
    redis: RedisQueueConnection,
    private readonly db: Database,
    private readonly events: AppEvents,
    private readonly channels: RedisChannels,
    private readonly logger: Logger,
  ) {
    this.queues = new Map(
      BACKENDS.map((backend) => {
        const queue = new Queue<QueuedJobData>(queueName(backend), { connection: { url: redis.url }, prefix: redis.prefix });
        queue.on("error", (error) => logger.warn({ err: error, backend }, "job queue connection error"));
        return [backend, queue];
      }),
    );
  }

  submitted(jobs: readonly JobRecord[], backend: Backend): void {
    this.#add(jobs, backend).catch((error: unknown) =>
      this.logger.warn({ err: error, jobs: jobs.map((job) => job.id) }, "jobs not handed to Redis yet; the workers' reconciliation will"),
    );
  }

  /**
   * Jobs go to Redis with the owner's count of active jobs as their priority: an owner with
   * hundreds queued does not hold back one who just sent a single job (BullMQ runs equal
   * priorities in order).
   */
  async #add(jobs: readonly JobRecord[], backend: Backend): Promise<void> {
    // The count is taken after the commit, so it includes this batch: the batch's jobs take the last places.
    const next = new Map<string, number>();
    for (const job of jobs) next.set(job.ownerId, (next.get(job.ownerId) ?? 0) - 1);
    for (const [owner, batch] of next) next.set(owner, (await this.db.jobs.countActive(owner)) + batch + 1);
    await this.queues.get(backend)!.addBulk(
      jobs.map((job) => {
        const place = next.get(job.ownerId)!;
        next.set(job.ownerId, place + 1);
        const priority = Math.min(MAX_PRIORITY, Math.max(1, place));
        return { name: "outpaint", data: { jobId: job.id }, opts: { jobId: job.id, priority, ...JOB_OPTIONS } };
      }),
    );
  }

  /**
   * Hands the job to Redis again if Redis does not hold it (reconciliation), replacing a finished
   * or failed entry of it. True when it was added.
   */
  async requeueIfMissing(jobId: string, backend: Backend): Promise<boolean> {
    const queue = this.queues.get(backend)!;
    const state = await queue.getJobState(jobId);
    if (state === "completed" || state === "failed") await (await queue.getJob(jobId))?.remove();
    else if (state !== "unknown") return false;
    await queue.add("outpaint", { jobId }, { jobId, priority: 1, ...JOB_OPTIONS });
    return true;
  }

  /** Tells every worker to stop the job, then waits for its end to be published. */
  async cancelRunning(jobId: string, timeoutMs: number): Promise<boolean> {
    const updates = this.events.subscribe("job", jobId);
    try {
      this.channels.publish(CANCEL_CHANNEL, { jobId });
      const ended = (async () => {
        const current = await this.db.jobs.find(jobId);
        if (!current || isTerminal(current.status)) return;
        for await (const job of updates) if (isTerminal(job.status)) return;
      })();
      return await settlesWithin(ended, timeoutMs);
    } finally {
      updates.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}

/** The database keeps every job's outcome; Redis keeps no finished entries. */
const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true };
