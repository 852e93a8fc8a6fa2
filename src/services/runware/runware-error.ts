import { AppError, BackendUnavailableError, InputError, NotFoundError, RateLimitedError, UnauthenticatedError } from "../../core/errors.js";

// Runware's error object (runware.ai/docs, "Errors"): { code, message, parameter, type,
// documentation, taskType, taskUUID }. Codes follow Runware's pattern: invalid<Parameter>,
// missing<Parameter>, unsupported<Thing>, and a few of its own (invalidApiKey, conflictTaskUUID).

export interface RunwareErrorJson {
  code: string;
  message: string;
  parameter?: string;
  type?: string;
  documentation?: string;
  taskType?: string;
  taskUUID?: string;
  status?: "error";
  /** For a value out of range or not in a list: what is allowed, in words. */
  allowedValues?: readonly (string | number)[];
}

const DOCUMENTATION = "https://runware.ai/docs/en/image-inference/api-reference";

/** Our request field names (OutpaintRequest and friends) as the Runware parameter a client sent. */
const PARAMETERS: Record<string, string> = {
  prompt: "positivePrompt",
  negativePrompt: "negativePrompt",
  guidance: "CFGScale",
  numImages: "numberResults",
  callbackUrl: "webhookURL",
  tuneId: "model",
  outpaint: "outpaint",
  "canvas.width": "width",
  "canvas.height": "height",
};

export class RunwareError extends Error {
  readonly code: string;
  readonly parameter: string | undefined;
  readonly type: string | undefined;
  readonly httpStatus: number;
  readonly allowedValues: readonly (string | number)[] | undefined;

  constructor(
    code: string,
    message: string,
    options: { parameter?: string; type?: string; httpStatus?: number; allowedValues?: readonly (string | number)[] } = {},
  ) {
    super(message);
    this.name = "RunwareError";
    this.code = code;
    this.parameter = options.parameter;
    this.type = options.type;
    this.httpStatus = options.httpStatus ?? 400;
    this.allowedValues = options.allowedValues;
  }

  json(task: { taskType?: string; taskUUID?: string }): RunwareErrorJson {
    return {
      code: this.code,
      message: this.message,
      ...(this.parameter ? { parameter: this.parameter, documentation: `${DOCUMENTATION}#request-${this.parameter.split(".")[0]!.toLowerCase()}` } : {}),
      ...(this.type ? { type: this.type } : {}),
      ...(this.allowedValues ? { allowedValues: this.allowedValues } : {}),
      ...(task.taskType ? { taskType: task.taskType } : {}),
      ...(task.taskUUID ? { taskUUID: task.taskUUID } : {}),
    };
  }
}

/** "invalid" + the parameter's first letter upper-cased, as Runware names its codes (invalidSteps, invalidCFGScale). */
export function invalidCode(parameter: string): string {
  return `invalid${capitalised(parameter)}`;
}

/** "missing" + the parameter's first letter upper-cased (missingPositivePrompt, missingWidth). */
export function missingCode(parameter: string): string {
  return `missing${capitalised(parameter)}`;
}

function capitalised(parameter: string): string {
  const head = parameter.split(".")[0]!;
  return `${head.charAt(0).toUpperCase()}${head.slice(1)}`;
}

/** Any error a task's work raised, in Runware's words; an unexpected one says only that it failed. */
export function toRunwareError(error: unknown): RunwareError {
  if (error instanceof RunwareError) return error;
  if (error instanceof InputError && error.field === "idempotencyKey") {
    return new RunwareError("conflictTaskUUID", "This taskUUID was sent before with another request; send a new UUID for a new task", {
      parameter: "taskUUID",
      type: "string",
      httpStatus: 409,
    });
  }
  if (error instanceof InputError) {
    const [head = "", ...rest] = error.field.split(".");
    // An image is one parameter in Runware's API, whichever form (UUID, data URI, base64, URL) it took.
    const parameter = head === "image" ? "seedImage" : (PARAMETERS[error.field] ?? (PARAMETERS[head] ? [PARAMETERS[head], ...rest].join(".") : error.field));
    return new RunwareError(invalidCode(parameter), `Invalid value for ${parameter} parameter. ${error.message}`, {
      parameter,
      httpStatus: error.code === "PAYLOAD_TOO_LARGE" ? 413 : 400,
    });
  }
  if (error instanceof NotFoundError) return new RunwareError("notFound", error.message, { httpStatus: 404 });
  if (error instanceof BackendUnavailableError) return new RunwareError("unsupportedModel", error.message, { parameter: "model", httpStatus: 503 });
  if (error instanceof UnauthenticatedError) return new RunwareError("invalidApiKey", error.message, { parameter: "apiKey", type: "string", httpStatus: 401 });
  if (error instanceof RateLimitedError) return new RunwareError("rateLimitExceeded", error.message, { httpStatus: 429 });
  if (error instanceof AppError) return new RunwareError(error.code.toLowerCase(), error.message, { httpStatus: 400 });
  return new RunwareError("internalServerError", "The task failed inside the server; it has been logged", { httpStatus: 500 });
}
