import type { JobCallbackFormat, JobRecord, JobSpec, JobStage, JobStatus } from "../../core/job.js";
import type { Page, PageRequest } from "../../core/pagination.js";
import type { Backend } from "../../core/tune.js";
import { toPage } from "../../core/pagination.js";
import type { OutpaintJob } from "./generated/sqlite/client.js";
import type { Client } from "./client.js";

export type NewJob = Pick<
  JobRecord,
  "id" | "ownerId" | "promptId" | "tuneId" | "width" | "height" | "inputImageId" | "spec" | "callbackUrl" | "callbackFormat" | "clientTaskId" | "createdAt"
>;

/** Progress of a running attempt; written only while that attempt still owns the job. */
export interface ProgressUpdate {
  stage: JobStage;
  pass: number;
  step: number;
  totalSteps: number;
  percent: number;
  etaSeconds: number | null;
  revision: number;
  previewImageId: string | null;
  generatedImageId: string | null;
  generator: string | null;
}

export interface FinalUpdate {
  status: Extract<JobStatus, "SUCCEEDED" | "FAILED" | "CANCELLED">;
  resultImageId?: string | null;
  error?: { code: string; message: string; field: string | null } | null;
  finishedAt: Date;
  revision: number;
  stage?: JobStage | null;
  step?: number;
  percent?: number;
}

/** The progress fields of a job waiting for its next run. */
const NOT_STARTED = { stage: null, pass: 0, step: 0, totalSteps: 0, percent: 0, etaSeconds: null, previewImageId: null };

export interface RecoveryReport {
  requeued: string[];
  failed: string[];
  cancelled: string[];
}

function toRecord(row: OutpaintJob): JobRecord {
  return {
    id: row.id,
    ownerId: row.ownerId,
    promptId: row.promptId,
    tuneId: row.tuneId,
    status: row.status as JobStatus,
    stage: row.stage as JobStage | null,
    pass: row.pass,
    step: row.step,
    totalSteps: row.totalSteps,
    percent: row.percent,
    etaSeconds: row.etaSeconds,
    attempts: row.attempts,
    revision: row.revision,
    width: row.width,
    height: row.height,
    inputImageId: row.inputImageId,
    generatedImageId: row.generatedImageId,
    generator: row.generator,
    resultImageId: row.resultImageId,
    previewImageId: row.previewImageId,
    spec: parseSpec(row.spec),
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "", field: row.errorField } : null,
    cancelRequested: row.cancelRequested,
    callbackUrl: row.callbackUrl,
    callbackFormat: row.callbackFormat as JobCallbackFormat,
    clientTaskId: row.clientTaskId,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export class JobRepository {
  constructor(private readonly client: Client) {}

  /**
   * Inserts a queued job. Written as one plain INSERT, the record built here from the schema's
   * defaults rather than read back: Prisma's create with RETURNING of this wide row cost four
   * times the insert itself, on the path every submission takes (test/db/database.test.ts checks
   * that the record equals the row read back).
   */
  async create(job: NewJob): Promise<JobRecord> {
    const { id, ownerId, promptId, tuneId, width, height, inputImageId, spec, callbackUrl, callbackFormat, clientTaskId, createdAt } = job;
    await this.client.$executeRaw`INSERT INTO "OutpaintJob"
      ("id", "ownerId", "promptId", "tuneId", "width", "height", "inputImageId", "spec", "callbackUrl", "callbackFormat", "clientTaskId", "createdAt", "updatedAt")
      VALUES (${id}, ${ownerId}, ${promptId}, ${tuneId}, ${width}, ${height}, ${inputImageId}, ${JSON.stringify(spec)}, ${callbackUrl}, ${callbackFormat}, ${clientTaskId}, ${createdAt}, ${createdAt})`;
    return {
      ...job,
      status: "QUEUED",
      ...NOT_STARTED,
      attempts: 0,
      revision: 0,
      generatedImageId: null,
      generator: null,
      resultImageId: null,
      error: null,
      cancelRequested: false,
      startedAt: null,
      finishedAt: null,
    };
  }

  /** The job, when `owner` has it (any owner's when `owner` is undefined: internal use). */
  async find(id: string, owner?: string): Promise<JobRecord | null> {
    const row = await this.client.outpaintJob.findFirst({ where: { id, ownerId: owner } });
    return row && toRecord(row);
  }

  async findMany(ids: readonly string[]): Promise<JobRecord[]> {
    const rows = await this.client.outpaintJob.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toRecord);
  }

  /** The owner's jobs of the client's task `clientTaskId`, oldest first. */
  async listByClientTask(owner: string, clientTaskId: string): Promise<JobRecord[]> {
    const rows = await this.client.outpaintJob.findMany({ where: { ownerId: owner, clientTaskId }, orderBy: { id: "asc" } });
    return rows.map(toRecord);
  }

  /** Newest first. */
  async list(owner: string, status: JobStatus | null, page: PageRequest): Promise<Page<JobRecord>> {
    const where = { ownerId: owner, ...(status ? { status } : {}) };
    const [rows, total] = await Promise.all([
      this.client.outpaintJob.findMany({
        where: { ...where, ...(page.afterId ? { id: { lt: page.afterId } } : {}) },
        orderBy: { id: "desc" },
        take: page.first + 1,
      }),
      this.client.outpaintJob.count({ where }),
    ]);
    return toPage(rows.map(toRecord), page, total);
  }

  /** In creation order. */
  async listByPrompt(promptIds: readonly string[]): Promise<JobRecord[]> {
    const rows = await this.client.outpaintJob.findMany({
      where: { promptId: { in: [...promptIds] } },
      orderBy: { id: "asc" },
    });
    return rows.map(toRecord);
  }

  /**
   * Moves the oldest queued job to RUNNING as a new attempt. Returns null when none is queued.
   * The conditional update makes the claim safe against a concurrent cancel.
   */
  async claimNext(now: Date): Promise<JobRecord | null> {
    for (;;) {
      const next = await this.client.outpaintJob.findFirst({
        where: { status: "QUEUED" },
        orderBy: { id: "asc" },
        select: { id: true },
      });
      if (!next) return null;
      const claimed = await this.claim(next.id, now);
      if (claimed) return claimed;
    }
  }

  /** Moves this job from QUEUED to RUNNING as a new attempt; null when it is not queued. */
  async claim(id: string, now: Date): Promise<JobRecord | null> {
    const { count } = await this.client.outpaintJob.updateMany({
      where: { id, status: "QUEUED" },
      data: {
        status: "RUNNING",
        attempts: { increment: 1 },
        revision: { increment: 1 },
        stage: "PREPARING",
        pass: 1,
        step: 0,
        totalSteps: 0,
        percent: 0,
        etaSeconds: null,
        startedAt: now,
        updatedAt: now,
      },
    });
    return count === 1 ? this.find(id) : null;
  }

  /** Saves progress if `attempt` still runs the job; false when it no longer owns it. */
  async saveProgress(id: string, attempt: number, update: ProgressUpdate, now: Date): Promise<boolean> {
    const { count } = await this.client.outpaintJob.updateMany({
      where: { id, status: "RUNNING", attempts: attempt },
      data: { ...update, updatedAt: now },
    });
    return count === 1;
  }

  /**
   * Ends the job if `attempt` still runs it. This conditional write is what makes every job end
   * exactly once: a stale attempt (from before a crash) can never overwrite the outcome.
   */
  async finish(id: string, attempt: number, update: FinalUpdate): Promise<boolean> {
    const { error, ...rest } = update;
    const { count } = await this.client.outpaintJob.updateMany({
      where: { id, status: "RUNNING", attempts: attempt },
      data: {
        ...rest,
        etaSeconds: null,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
        errorField: error?.field ?? null,
        updatedAt: update.finishedAt,
      },
    });
    return count === 1;
  }

  /** Hands a run back to the queue (graceful shutdown): the attempt does not count. */
  async release(id: string, attempt: number, now: Date): Promise<boolean> {
    const { count } = await this.client.outpaintJob.updateMany({
      where: { id, status: "RUNNING", attempts: attempt },
      data: {
        status: "QUEUED",
        attempts: { decrement: 1 },
        revision: { increment: 1 },
        ...NOT_STARTED,
        updatedAt: now,
      },
    });
    return count === 1;
  }

  /** Cancels a job that has not started. False when it is no longer queued. */
  async cancelQueued(id: string, now: Date): Promise<boolean> {
    const { count } = await this.client.outpaintJob.updateMany({
      where: { id, status: "QUEUED" },
      data: {
        status: "CANCELLED",
        cancelRequested: true,
        revision: { increment: 1 },
        finishedAt: now,
        updatedAt: now,
      },
    });
    return count === 1;
  }

  /** Marks a running job for cancellation, so that a crash before it stops still ends it CANCELLED. */
  async requestCancel(id: string, now: Date): Promise<boolean> {
    const { count } = await this.client.outpaintJob.updateMany({
      where: { id, status: "RUNNING" },
      data: { cancelRequested: true, updatedAt: now },
    });
    return count === 1;
  }

  /**
   * After a restart, nothing is running: jobs left RUNNING were interrupted. They go back to the
   * queue, unless cancellation was requested (CANCELLED) or they used up their attempts (FAILED).
   */
  async recoverInterrupted(maxAttempts: number, now: Date): Promise<RecoveryReport> {
    const interrupted = await this.client.outpaintJob.findMany({
      where: { status: "RUNNING" },
      select: { id: true, attempts: true, cancelRequested: true },
    });
    const report: RecoveryReport = { requeued: [], failed: [], cancelled: [] };
    for (const job of interrupted) {
      const outcome = await this.recoverOne(job, maxAttempts, now);
      if (outcome) report[outcome].push(job.id);
    }
    return report;
  }

  /**
   * Ends or requeues one interrupted run, if `attempts` is still the job's latest: back to the
   * queue, unless cancellation was requested or the attempts are used up. Null when it changed.
   */
  async recoverOne(
    job: { id: string; attempts: number; cancelRequested: boolean },
    maxAttempts: number,
    now: Date,
  ): Promise<keyof RecoveryReport | null> {
    const [outcome, data]: [keyof RecoveryReport, object] = job.cancelRequested
      ? ["cancelled", { status: "CANCELLED", finishedAt: now }]
      : job.attempts >= maxAttempts
        ? [
            "failed",
            {
              status: "FAILED",
              finishedAt: now,
              errorCode: "ATTEMPTS_EXHAUSTED",
              errorMessage: `The job was interrupted ${job.attempts} times (limit ${maxAttempts}) and was not retried again`,
            },
          ]
        : ["requeued", { status: "QUEUED", ...NOT_STARTED }];
    const { count } = await this.client.outpaintJob.updateMany({
      where: { id: job.id, status: "RUNNING", attempts: job.attempts },
      data: { ...data, revision: { increment: 1 }, etaSeconds: null, updatedAt: now },
    });
    return count === 1 ? outcome : null;
  }

  /** Ids of queued and running jobs last changed before `before`, oldest first (for the queue's reconciliation). */
  async listActiveSince(before: Date, afterId: string, limit: number): Promise<{ id: string; backend: Backend }[]> {
    const rows = await this.client.outpaintJob.findMany({
      where: { status: { in: ["QUEUED", "RUNNING"] }, updatedAt: { lt: before }, id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: limit,
      select: { id: true, tune: { select: { backend: true } } },
    });
    return rows.map((row) => ({ id: row.id, backend: row.tune.backend as Backend }));
  }

  /** Queued and running jobs of an owner. */
  countActive(owner: string): Promise<number> {
    return this.client.outpaintJob.count({ where: { ownerId: owner, status: { in: ["QUEUED", "RUNNING"] } } });
  }

  async countByStatus(): Promise<Record<JobStatus, number>> {
    const groups = await this.client.outpaintJob.groupBy({ by: ["status"], _count: { _all: true } });
    const counts: Record<JobStatus, number> = { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 };
    for (const group of groups) counts[group.status as JobStatus] = group._count._all;
    return counts;
  }
}

/** Jobs written before multi-stage outpainting have no passes: they ran in one. */
function parseSpec(json: string): JobSpec {
  const spec = JSON.parse(json) as Omit<JobSpec, "passes"> & { passes?: JobSpec["passes"] };
  return { ...spec, passes: spec.passes ?? [spec.placement] };
}
