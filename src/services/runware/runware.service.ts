import type { Logger } from "pino";
import { contentType } from "../../core/image-format.js";
import type { ImageRecord } from "../../core/image.js";
import { isTerminal, type JobRecord } from "../../core/job.js";
import type { ImageService } from "../images/image.service.js";
import type { JobService } from "../jobs/job.service.js";
import type { OutpaintRequest } from "../jobs/outpaint-request.js";
import { TUNE_ALIASES, type TuneService } from "../tune.service.js";
import { RunwareError, toRunwareError, type RunwareErrorJson } from "./runware-error.js";
import { failureItem, imageItem, INFERENCE, type ImageOutputs } from "./runware-results.js";
import type { InferenceTask, RunwareTask } from "./runware-task.js";

/** One frame of answers, as Runware sends them: results in data, failures in errors. */
export interface RunwareFrame {
  data?: object[];
  errors?: RunwareErrorJson[];
}

/** A frame and, when it carries an error, the HTTP status that error calls for (not sent in the body). */
export interface EmittedFrame extends RunwareFrame {
  httpStatus?: number;
}

/** The tasks that do work (authentication and ping belong to the transport). */
export type WorkTask = Exclude<RunwareTask, { taskType: "authentication" } | { taskType: "ping" }>;

/**
 * Runware's tasks on top of this server's services: imageUpload stores an image, imageInference
 * is an outpaint job like any other (stored before it is answered, with progress on GraphQL,
 * cancel, crash recovery), idempotent by taskUUID, and getResponse reports a task's jobs.
 */
export class RunwareService {
  constructor(
    private readonly jobs: JobService,
    private readonly images: ImageService,
    private readonly tunes: TuneService,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs `task` for `owner`, handing each frame of its answer to `emit` as soon as it exists (a
   * synchronous inference answers one frame per image, as each finishes). Resolves once the
   * answer is complete; a refused or failed task emits its error frame, never throws.
   * `origin` is where clients reach the server, for image URLs.
   */
  async run(owner: string, task: WorkTask, origin: string, emit: (frame: EmittedFrame) => void): Promise<void> {
    try {
      switch (task.taskType) {
        case "imageUpload": {
          const image = await this.images.save(owner, task.image, "image");
          emit({ data: [{ taskType: "imageUpload", taskUUID: task.taskUUID, imageUUID: image.id, imageURL: this.images.links.url(origin, image) }] });
          return;
        }
        case "getResponse":
          emit(await this.#response(owner, task.taskUUID, origin));
          return;
        case "imageInference":
          await this.#infer(owner, task, origin, emit);
          return;
      }
    } catch (error) {
      const refusal = toRunwareError(error);
      if (refusal.httpStatus >= 500 && refusal.httpStatus !== 503) logUnexpected(this.logger, error, task);
      emit({ errors: [refusal.json({ taskType: task.taskType, taskUUID: task.taskUUID })], httpStatus: refusal.httpStatus });
    }
  }

  async #infer(owner: string, task: InferenceTask, origin: string, emit: (frame: RunwareFrame) => void): Promise<void> {
    const request: OutpaintRequest = {
      tuneId: await this.#tuneOf(owner, task.model),
      image: task.seedImage,
      outpaint: task.outpaint,
      canvas: { width: task.width, height: task.height },
      prompt: task.positivePrompt,
      negativePrompt: task.negativePrompt,
      steps: task.steps,
      guidance: task.CFGScale,
      seed: task.seed,
      numImages: task.numberResults,
      outputFormat: task.outputFormat,
      callbackUrl: task.webhookURL,
    };
    const jobs = await this.jobs.createOutpaint(owner, request, `runware:${task.taskUUID}`, {
      taskId: task.taskUUID,
      callbackFormat: task.webhookURL ? "RUNWARE" : "STANDARD",
    });
    if (task.deliveryMethod === "async" || task.webhookURL) {
      // Runware's acknowledgement: the results come by getResponse or to the webhook.
      emit({ data: [{ taskType: INFERENCE, taskUUID: task.taskUUID }] });
      return;
    }
    await Promise.all(
      jobs.map(async (job) => {
        const ended = await this.#ended(owner, job);
        const image = ended.status === "SUCCEEDED" && ended.resultImageId ? await this.images.get(owner, ended.resultImageId) : null;
        if (!image) {
          emit({ errors: [failureItem(ended)] });
          return;
        }
        emit({ data: [imageItem(ended, image, await this.#outputs(image, task.outputTypes, origin), { includeCost: task.includeCost, status: false })] });
      }),
    );
  }

  /** Every job of the task: those still going as processing, finished ones with their image, failed ones as errors. */
  async #response(owner: string, taskUUID: string, origin: string): Promise<RunwareFrame> {
    const jobs = await this.jobs.listByClientTask(owner, taskUUID);
    if (jobs.length === 0) {
      throw new RunwareError("taskNotFound", `No task ${taskUUID} of this key's owner is known here (tasks are kept with their jobs, RETENTION)`, {
        parameter: "taskUUID",
        type: "string",
        httpStatus: 404,
      });
    }
    const frame: Required<RunwareFrame> = { data: [], errors: [] };
    const images = await this.images.forJobs(jobs);
    for (const job of jobs) {
      const image = job.status === "SUCCEEDED" && job.resultImageId ? images.get(job.resultImageId) : undefined;
      if (image) frame.data.push(imageItem(job, image, { imageURL: this.images.links.url(origin, image) }, { includeCost: false, status: true }));
      else if (isTerminal(job.status)) frame.errors.push(failureItem(job));
      else frame.data.push({ taskType: INFERENCE, taskUUID, status: "processing" });
    }
    return frame.errors.length > 0 ? frame : { data: frame.data };
  }

  /** This server's tune for a Runware model: a tune id of its own, or an AIR id it knows (TUNE_ALIASES). */
  async #tuneOf(owner: string, model: string): Promise<string> {
    const tune = await this.tunes.get(owner, model);
    if (tune) return tune.id;
    const known = [...Object.keys(TUNE_ALIASES), ...(await this.tunes.list(owner, 100)).nodes.map((tune) => tune.id)];
    throw new RunwareError("unknownModel", `Invalid value for model parameter. This server knows the models ${known.join(", ")}; it does not know ${JSON.stringify(model)}`, {
      parameter: "model",
      type: "string",
      allowedValues: known,
    });
  }

  /** The job as it ended, following its updates from now. */
  async #ended(owner: string, job: JobRecord): Promise<JobRecord> {
    let last = job;
    for await (const snapshot of await this.jobs.watch(owner, job.id)) last = snapshot;
    return last;
  }

  async #outputs(image: ImageRecord, types: InferenceTask["outputTypes"], origin: string): Promise<ImageOutputs> {
    const outputs: ImageOutputs = {};
    if (types.includes("URL")) outputs.imageURL = this.images.links.url(origin, image);
    if (types.includes("dataURI") || types.includes("base64Data")) {
      const base64 = (await this.images.bytes(image)).toString("base64");
      if (types.includes("dataURI")) outputs.imageDataURI = `data:${contentType(image.format)};base64,${base64}`;
      if (types.includes("base64Data")) outputs.imageBase64Data = base64;
    }
    return outputs;
  }
}

function logUnexpected(log: Logger, error: unknown, task: WorkTask): void {
  log.error({ err: error, taskType: task.taskType, taskUUID: task.taskUUID }, "Runware task failed inside the server");
}
