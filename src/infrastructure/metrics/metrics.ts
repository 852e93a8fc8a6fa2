import { JOB_STATUSES, type JobRecord, type JobStatus } from "../../core/job.js";
import type { EngineStats } from "../native/outpaint-engine.js";
import { Counter, Gauge, Histogram, Registry } from "./instruments.js";
import { ProcessMetrics } from "./process-metrics.js";
import { renderText } from "./text-format.js";

/** What is read at scrape time, so the numbers hold across restarts and other processes. */
export interface StateSources {
  jobsByStatus(): Promise<Record<JobStatus, number>>;
  pendingWebhooks(): Promise<number>;
  runningLocal(): number;
  engine(): EngineStats;
}

export type WebhookOutcome = "delivered" | "retry" | "failed";

const WEBHOOK_OUTCOMES: readonly WebhookOutcome[] = ["delivered", "retry", "failed"];
const JOB_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const WAIT_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const STEP_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The server's metrics: counted as things happen in this process, or read from their sources when scraped. */
export class Metrics {
  readonly #registry = new Registry();
  readonly #jobs = this.#registry.add(new Gauge<"status">({ name: "outpaint_jobs", help: "Jobs by status.", labelNames: ["status"] }));
  readonly #queueDepth = this.#registry.add(new Gauge({ name: "outpaint_queue_depth", help: "Jobs waiting to run (QUEUED)." }));
  readonly #runningLocal = this.#registry.add(
    new Gauge({ name: "outpaint_jobs_running_local", help: "Jobs this process runs now." }),
  );
  readonly #jobDuration = this.#registry.add(
    new Histogram<"status">({
      name: "outpaint_job_duration_seconds",
      help: "Claim-to-end time of runs that ended in this process, by final status.",
      labelNames: ["status"],
      buckets: JOB_SECONDS,
    }),
  );
  readonly #queueWait = this.#registry.add(
    new Histogram({ name: "outpaint_job_queue_wait_seconds", help: "Time from a job's creation to the start of each run.", buckets: WAIT_SECONDS }),
  );
  readonly #stepTime = this.#registry.add(
    new Histogram<"stage">({
      name: "outpaint_job_step_seconds",
      help: "Time between consecutive progress steps of a run, by the stage of the step.",
      labelNames: ["stage"],
      buckets: STEP_SECONDS,
    }),
  );
  readonly #webhookDeliveries = this.#registry.add(
    new Counter<"outcome">({ name: "outpaint_webhook_deliveries_total", help: "Webhook delivery attempts by outcome.", labelNames: ["outcome"] }),
  );
  readonly #webhookPending = this.#registry.add(
    new Gauge({ name: "outpaint_webhook_pending", help: "Webhook deliveries waiting for their next attempt." }),
  );
  readonly #engineTasks = this.#registry.add(
    new Gauge<"state">({ name: "outpaint_fill_engine_tasks", help: "Fill engine tasks by state.", labelNames: ["state"] }),
  );
  readonly #engineFinished = this.#registry.add(
    new Counter({ name: "outpaint_fill_engine_tasks_finished_total", help: "Fill engine tasks ended since the process started." }),
  );
  readonly #process = new ProcessMetrics(this.#registry);
  #sources: StateSources | null = null;

  constructor() {
    for (const outcome of WEBHOOK_OUTCOMES) this.#webhookDeliveries.inc({ outcome }, 0);
  }

  /** Where the scrape-time numbers come from; set once the services exist. */
  readStateFrom(sources: StateSources): void {
    this.#sources = sources;
  }

  /** A run began: `job` as claimed. */
  runStarted(job: JobRecord): void {
    const startedAt = job.startedAt ?? new Date();
    this.#queueWait.observe(seconds(job.createdAt, startedAt));
  }

  /** A run ended the job: `job` in its final state, as written. */
  runEnded(job: JobRecord): void {
    if (!job.startedAt || !job.finishedAt) return;
    this.#jobDuration.observe(seconds(job.startedAt, job.finishedAt), { status: job.status });
  }

  /** Called on every progress step of every run: keep it cheap. */
  stepTook(stage: string, elapsedSeconds: number): void {
    this.#stepTime.observe(elapsedSeconds, { stage });
  }

  webhookAttempt(outcome: WebhookOutcome): void {
    this.#webhookDeliveries.inc({ outcome });
  }

  /** The text exposition, with the state read now. */
  async render(): Promise<string> {
    const sources = this.#sources;
    if (sources) {
      const [jobs, pending] = await Promise.all([sources.jobsByStatus(), sources.pendingWebhooks()]);
      for (const status of JOB_STATUSES) this.#jobs.set(jobs[status], { status });
      this.#queueDepth.set(jobs.QUEUED);
      this.#webhookPending.set(pending);
      this.#runningLocal.set(sources.runningLocal());
      const engine = sources.engine();
      this.#engineTasks.set(engine.queued, { state: "queued" });
      this.#engineTasks.set(engine.running, { state: "running" });
      this.#engineFinished.sync(engine.finished);
    }
    this.#process.sample();
    return renderText(this.#registry.collect());
  }

  close(): void {
    this.#process.close();
  }
}

function seconds(from: Date, to: Date): number {
  return Math.max(0, to.getTime() - from.getTime()) / 1000;
}
