import type { Response } from "express";
import type { Logger } from "pino";
import { AppError, InputError, RateLimitedError, UnauthenticatedError, type ErrorCode } from "../core/errors.js";

export const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/** REST errors: { error: { code, message, field?, allowed?, received? } } with a matching status. */
export function sendError(res: Response, error: unknown, logger: Logger): void {
  if (error instanceof AppError) {
    const details = error instanceof InputError ? { field: error.field, allowed: error.allowed, received: error.received } : {};
    if (error instanceof RateLimitedError) res.setHeader("Retry-After", String(error.retryAfterSeconds));
    if (error instanceof UnauthenticatedError) res.setHeader("WWW-Authenticate", 'Bearer realm="outpaint"');
    res.status(STATUS[error.code]).json({ error: { code: error.code, message: error.message, ...details } });
    return;
  }
  logger.error({ err: error }, "unexpected error in an HTTP handler");
  res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" } });
}
