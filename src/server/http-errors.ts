import type { Response } from "express";
import type { Logger } from "pino";
import { AppError, BackendUnavailableError, InputError, RateLimitedError, UnauthenticatedError, type ErrorCode } from "../core/errors.js";

export const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  BACKEND_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** The headers an error's answer carries: when to retry, how to authenticate. */
export function errorHeaders(error: AppError): Record<string, string> {
  if (error instanceof RateLimitedError) return { "Retry-After": String(error.retryAfterSeconds) };
  if (error instanceof UnauthenticatedError) return { "WWW-Authenticate": 'Bearer realm="outpaint"' };
  return {};
}

/** REST errors: { error: { code, message, field?, allowed?, received? } } with a matching status. */
export function sendError(res: Response, error: unknown, logger: Logger): void {
  if (error instanceof AppError) {
    const details =
      error instanceof InputError
        ? { field: error.field, allowed: error.allowed, received: error.received }
        : error instanceof BackendUnavailableError
          ? { field: error.field, missing: error.missing }
          : {};
    res.set(errorHeaders(error));
    res.status(STATUS[error.code]).json({ error: { code: error.code, message: error.message, ...details } });
    return;
  }
  logger.error({ err: error }, "unexpected error in an HTTP handler");
  res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" } });
}

/** The same refusal for GraphQL clients: { errors: [{ message, extensions: { code } }] }, same status and headers. */
export function sendGraphQLError(res: Response, error: unknown, logger: Logger): void {
  if (!(error instanceof AppError)) {
    sendError(res, error, logger);
    return;
  }
  const retry = error instanceof RateLimitedError ? { retryAfterSeconds: error.retryAfterSeconds } : {};
  res.set(errorHeaders(error));
  res.status(STATUS[error.code]).json({ errors: [{ message: error.message, extensions: { code: error.code, ...retry } }] });
}
