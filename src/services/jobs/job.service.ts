import { ConflictError, InputError, NotFoundError, RateLimitedError } from "../../core/errors.js";
import type { Placement } from "../../core/geometry.js";
import { newId } from "../../core/ids.js";
import { isTerminal, type JobCallbackFormat, type JobRecord, type JobSpec, type JobStatus } from "../../core/job.js";
import type { Page } from "../../core/pagination.js";
import { pageRequest } from "../../core/pagination.js";
import type { PromptRecord } from "../../core/prompt.js";
import { planPasses } from "../../core/pass-plan.js";
import type { Backend, TuneRecord } from "../../core/tune.js";
import type { Database } from "../../infrastructure/db/database.js";
import { GroupCommit } from "../../infrastructure/db/group-commit.js";
import type { Repositories } from "../../infrastructure/db/repositories.js";
import { publishJob, type AppEvents } from "../../infrastructure/events/topics.js";
import { checkIdempotencyKey, findIdempotentResult, requestHash } from "../idempotency.js";
import type { ImageService, PreparedImage } from "../images/image.service.js";
import type { TuneService } from "../tune.service.js";
import { LiveFeed } from "../../infrastructure/events/live-feed.js";
import type { WebhookOutbox } from "../webhooks/webhook-outbox.js";
import type { JobQueue } from "./job-queue.js";
import { checkSpecAgainstImage, planPlacement, validateOutpaintFields, type OutpaintFields, type OutpaintRequest } from "./outpaint-request.js";

/** Work orders ready to be written: `count` jobs from one spec, image i with seed + i, optionally under a prompt. */
export interface JobBatch {
  /** Whose jobs (and prompt, and input image) these are. */
  owner: string;
  tune: TuneRecord;
  /** The input image; null when the jobs make their original from text (spec.generate). */
  image: PreparedImage | null;
  /** The spec; its passes are planned on submit, by the tune's backend. */
  spec: Omit<JobSpec, "passes">;
  count: number;
  /** Set when the jobs belong to a prompt created with them. */
  prompt: Omit<PromptRecord, "id" | "ownerId" | "tuneId" | "createdAt"> | null;
  /** Where each job's outcome is POSTed, and in which shape. */
  callbackUrl: string | null;
  callbackFormat: JobCallbackFormat;
  /** The client's own id for the request (Runware's taskUUID), recorded on each job. */
  clientTaskId: string | null;
  /** The scope-qualified idempotency key and the request's hash, when the client sent a key. */
  idempotency: { key: string; hash: string } | null;
}

/** The operator's rules for accepting work. */
export interface JobPolicy {
  /** The most one pass may add to a side, per backend (0: no limit). */
  maxExtendPerPass: Readonly<Record<Backend, number>>;
  /** Queued and running jobs an owner may have (0: no limit). */
  activeJobLimit(owner: string): Promise<number>;
  /** Refuses callback URLs the server may not send to (private networks, unless allowed). */
  vetCallbackUrl(url: string, field: string): Promise<void>;
}

const CANCEL_WAIT_MS = 10_000;
const ACTIVE_JOBS_RETRY_SECONDS = 5;

export class JobService {
  /** Submissions that arrive together are written in one transaction (one durable commit). */
  readonly #commits: GroupCommit;

  constructor(
    private readonly db: Database,
    private readonly tunes: TuneService,
    private readonly images: ImageService,
    private readonly events: AppEvents,
    private readonly queue: JobQueue,
    private readonly outbox: WebhookOutbox,
    private readonly policy: JobPolicy,
  ) {
    this.#commits = new GroupCommit(db);
  }

  get(owner: string, id: string): Promise<JobRecord | null> {
    return this.db.jobs.find(id, owner);
  }

  list(owner: string, status: JobStatus | null | undefined, first?: number | null, after?: string | null): Promise<Page<JobRecord>> {
    return this.db.jobs.list(owner, status ?? null, pageRequest(first, after));
  }

  countByStatus(): Promise<Record<JobStatus, number>> {
    return this.db.jobs.countByStatus();
  }

  /** The owner's jobs of a client's task (Runware's taskUUID), oldest first. */
  listByClientTask(owner: string, clientTaskId: string): Promise<JobRecord[]> {
    return this.db.jobs.listByClientTask(owner, clientTaskId);
  }

  listByPrompt(promptIds: readonly string[]): Promise<JobRecord[]> {
    return this.db.jobs.listByPrompt(promptIds);
  }

  /**
   * Validates everything, then writes the job(s) in one transaction. Returns the jobs (the first
   * is the one GraphQL answers with). `client` says how a client API other than GraphQL wants
   * the jobs recorded: its own task id and its webhook shape.
   */
  async createOutpaint(
    owner: string,
    request: OutpaintRequest,
    idempotencyKey?: string | null,
    client: { taskId?: string; callbackFormat?: JobCallbackFormat } = {},
  ): Promise<JobRecord[]> {
    const fields = validateOutpaintFields(request);
    const key = checkIdempotencyKey(idempotencyKey);
    const tune = await this.tunes.resolveForWork(owner, request.tuneId, "tuneId");
    const image = await this.images.prepare(owner, request.image, "image");
    const placement = planPlacement(fields.size, image);
    if (request.canvas) checkCanvas(placement, request.canvas);
    checkSpecAgainstImage(fields.spec, placement);
    const { image: _image, ...rest } = request;
    const batch: JobBatch = {
      owner,
      tune,
      image,
      spec: { ...fields.spec, placement },
      count: fields.numImages,
      prompt: fields.numImages > 1 ? batchPrompt(fields) : null,
      callbackUrl: fields.callbackUrl,
      callbackFormat: client.callbackFormat ?? "STANDARD",
      clientTaskId: client.taskId ?? null,
      idempotency: key
        ? { key: `createOutpaintJob:${owner}:${key}`, hash: requestHash({ ...rest, tuneId: tune.id, image: image.sha256 }) }
        : null,
    };
    const { jobs } = await this.submit(batch);
    return jobs;
  }

  /**
   * Writes a batch: image file first, then image row, prompt, jobs and idempotency key in one
   * transaction; the jobs are in the database before this resolves. Replays return the
   * original resources.
   */
  async submit(batch: JobBatch): Promise<{ jobs: JobRecord[]; prompt: PromptRecord | null }> {
    for (const url of [batch.callbackUrl, batch.prompt?.callbackUrl]) if (url) await this.policy.vetCallbackUrl(url, "callbackUrl");
    const limit = await this.policy.activeJobLimit(batch.owner);
    // Checked before the file is written too, so an owner at its limit cannot fill the disk.
    if (!batch.idempotency) await checkActiveJobs(this.db, batch, limit);
    if (batch.image) await this.images.writeFile(batch.image);
    const now = new Date();
    const passes = planPasses(batch.spec.placement, this.policy.maxExtendPerPass[batch.tune.backend]);
    const outcome = await this.#commits.run(async (tx) => {
      if (batch.idempotency) {
        const priorId = await findIdempotentResult(tx, batch.idempotency.key, batch.idempotency.hash, now);
        if (priorId) return { ...(await this.#loadPrior(tx, priorId)), replay: true };
      }
      await checkActiveJobs(tx, batch, limit);
      const input = batch.image ? await this.images.record(tx, batch.image) : null;
      const prompt = batch.prompt
        ? await tx.prompts.create({ ...batch.prompt, id: newId(), ownerId: batch.owner, tuneId: batch.tune.id, createdAt: now })
        : null;
      const jobs: JobRecord[] = [];
      for (let i = 0; i < batch.count; i++) {
        const spec: JobSpec = { ...batch.spec, passes, seed: batch.spec.seed + i };
        jobs.push(
          await tx.jobs.create({
            id: newId(),
            ownerId: batch.owner,
            promptId: prompt?.id ?? null,
            tuneId: batch.tune.id,
            width: spec.placement.canvasWidth,
            height: spec.placement.canvasHeight,
            inputImageId: input?.id ?? null,
            spec,
            callbackUrl: batch.callbackUrl,
            callbackFormat: batch.callbackFormat,
            clientTaskId: batch.clientTaskId,
            createdAt: now,
          }),
        );
      }
      if (batch.idempotency) {
        await tx.idempotency.save({
          key: batch.idempotency.key,
          requestHash: batch.idempotency.hash,
          resourceId: prompt?.id ?? jobs[0]!.id,
          createdAt: now,
        });
      }
      return { jobs, prompt, replay: false };
    });
    if (!outcome.replay) {
      for (const job of outcome.jobs) publishJob(this.events, job);
      this.queue.submitted(outcome.jobs, batch.tune.backend);
    }
    return { jobs: outcome.jobs, prompt: outcome.prompt };
  }

  async #loadPrior(tx: Repositories, resourceId: string): Promise<{ jobs: JobRecord[]; prompt: PromptRecord | null }> {
    const prompt = await tx.prompts.find(resourceId);
    if (prompt) return { prompt, jobs: await tx.jobs.listByPrompt([prompt.id]) };
    const job = await tx.jobs.find(resourceId);
    if (!job) throw new ConflictError(`The resource ${resourceId} recorded for this idempotency key no longer exists`);
    return { prompt: null, jobs: [job] };
  }

  /** Cancels a queued job at once; asks a running one to stop and waits for it briefly. */
  async cancel(owner: string, id: string): Promise<JobRecord> {
    const job = await this.db.jobs.find(id, owner);
    if (!job) throw new NotFoundError("job", id, "id");
    if (isTerminal(job.status)) throw new ConflictError(`Job ${id} has already ended with status ${job.status}`);
    const now = new Date();
    const cancelled = await this.db.transaction(async (tx) => {
      if (!(await tx.jobs.cancelQueued(id, now))) return null;
      const ended = (await tx.jobs.find(id))!;
      return { ended, queued: await this.outbox.recordJobEnded(tx, ended) };
    });
    if (cancelled) {
      publishJob(this.events, cancelled.ended);
      if (cancelled.queued) this.outbox.notifyQueued();
      return cancelled.ended;
    }
    if (await this.db.jobs.requestCancel(id, now)) await this.queue.cancelRunning(id, CANCEL_WAIT_MS);
    const latest = (await this.db.jobs.find(id))!;
    if (latest.status === "SUCCEEDED" || latest.status === "FAILED") {
      throw new ConflictError(`Job ${id} ended with status ${latest.status} before it could be cancelled`);
    }
    return latest;
  }

  /**
   * The job's current state, then every newer snapshot, ending after the final state. Snapshots
   * the current state already covers (by revision) are skipped.
   */
  async watch(owner: string, id: string): Promise<AsyncIterableIterator<JobRecord>> {
    const updates = this.events.subscribe("job", id);
    const current = await this.db.jobs.find(id, owner);
    if (!current) {
      updates.close();
      throw new NotFoundError("job", id, "id");
    }
    let revision = current.revision;
    return new LiveFeed({ value: current, final: isTerminal(current.status) }, updates, (job: JobRecord) => {
      if (job.revision <= revision) return null;
      revision = job.revision;
      return { value: job, final: isTerminal(job.status) };
    });
  }
}

/** A client that gave the final canvas size (Runware's width and height) must give the one its extensions make. */
function checkCanvas(placement: Placement, canvas: { width: number; height: number }): void {
  const made = `${placement.width}x${placement.height} image extended to ${placement.canvasWidth}x${placement.canvasHeight}`;
  if (canvas.width !== placement.canvasWidth) {
    throw new InputError("canvas.width", `${placement.canvasWidth} (the ${made})`, canvas.width);
  }
  if (canvas.height !== placement.canvasHeight) {
    throw new InputError("canvas.height", `${placement.canvasHeight} (the ${made})`, canvas.height);
  }
}

/**
 * The prompt that groups the images of one createOutpaintJob with numImages > 1, so they are
 * listed, followed and reported together as a prompt's are. Its params are the settings the
 * images share; it has no text flags and no image-to-image stage (denoising strength 0).
 */
function batchPrompt({ spec, numImages }: OutpaintFields): JobBatch["prompt"] {
  return {
    text: spec.prompt ?? "",
    negativePrompt: spec.negativePrompt,
    callbackUrl: null,
    callbackFormat: "STANDARD",
    params: {
      cleanText: spec.prompt ?? "",
      numImages,
      seed: spec.seed,
      steps: spec.steps,
      cfgScale: spec.guidance,
      denoisingStrength: 0,
      scheduler: spec.scheduler,
      w: null,
      h: null,
      ar: null,
      outpaint: null,
    },
  };
}

/** Refuses a batch that would take its owner past `limit` queued and running jobs (0: no limit). */
async function checkActiveJobs(db: Repositories, batch: JobBatch, limit: number): Promise<void> {
  if (limit === 0) return;
  const active = await db.jobs.countActive(batch.owner);
  if (active + batch.count > limit) {
    throw new RateLimitedError(
      `This owner has ${active} queued or running jobs and may have at most ${limit}; retry when some have ended`,
      ACTIVE_JOBS_RETRY_SECONDS,
    );
  }
}
