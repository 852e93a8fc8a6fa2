import type { Logger } from "pino";
import { UnauthenticatedError } from "../core/errors.js";
import { RunwareError, toRunwareError, type RunwareErrorJson } from "../services/runware/runware-error.js";
import { parseTask, taskIdentity, type RunwareTask } from "../services/runware/runware-task.js";

// What Runware's two transports share: reading a message's tasks, and who they act for.

/** The tasks of one message (a JSON array), each parsed or, when it does not parse, its refusal. */
export function readTasks(body: unknown): ({ task: RunwareTask } | { refused: RunwareErrorJson; httpStatus: number })[] {
  if (!Array.isArray(body)) {
    const refusal = new RunwareError("invalidRequest", "Expected a JSON array of task objects", { type: "array" });
    return [{ refused: refusal.json({}), httpStatus: refusal.httpStatus }];
  }
  return body.map((value) => {
    try {
      return { task: parseTask(value) };
    } catch (error) {
      const refusal = toRunwareError(error);
      return { refused: refusal.json(taskIdentity(value)), httpStatus: refusal.httpStatus };
    }
  });
}

/** The Authorization an apiKey of an authentication task stands for. */
export function bearerOf(apiKey: string | null): string | undefined {
  return apiKey ? `Bearer ${apiKey}` : undefined;
}

/** Runware's answer to a key that admits nothing (its SDK gives up at once on exactly this code). */
export function invalidApiKey(error: unknown): RunwareErrorJson {
  const message = error instanceof UnauthenticatedError ? error.message : "Invalid API key";
  return { code: "invalidApiKey", message, parameter: "apiKey", type: "string", taskType: "authentication" };
}

/**
 * Runware's answer when the gate admits no caller for a message: invalidApiKey for a key that
 * admits nothing; a rate limit, or a failure inside the server (logged), in Runware's words, so
 * that a client does not give up on a good key.
 */
export function admissionRefusal(error: unknown, logger: Logger): { json: RunwareErrorJson; httpStatus: number } {
  if (error instanceof UnauthenticatedError) return { json: invalidApiKey(error), httpStatus: 401 };
  const refusal = toRunwareError(error);
  if (refusal.httpStatus >= 500) logger.error({ err: error }, "Runware authentication failed inside the server");
  return { json: refusal.json({}), httpStatus: refusal.httpStatus };
}
