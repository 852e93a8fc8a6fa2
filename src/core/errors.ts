// Errors the services raise. Each carries a stable `code`; the GraphQL and REST layers turn them
// into responses without string matching. Input errors follow one template:
// "Expected <allowed> for <field> but received <received>".

export type ErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "BACKEND_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A request value outside what the API accepts. Nothing has been written when this is thrown. */
export class InputError extends AppError {
  readonly field: string;
  readonly allowed: string;
  readonly received: string;
  constructor(field: string, allowed: string, received: unknown, code: ErrorCode = "BAD_USER_INPUT") {
    const shown = describeReceived(received);
    super(code, `Expected ${allowed} for ${field} but received ${shown}`);
    this.field = field;
    this.allowed = allowed;
    this.received = shown;
  }
}

export class NotFoundError extends AppError {
  readonly field: string | undefined;
  constructor(what: string, id: string, field?: string) {
    super("NOT_FOUND", `No ${what} with id ${JSON.stringify(id)}`);
    this.field = field;
  }
}

/** The request is well formed but conflicts with the current state (e.g. cancelling a finished job). */
export class ConflictError extends AppError {
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

/** No valid API key: missing, unknown or revoked. */
export class UnauthenticatedError extends AppError {
  constructor(message: string) {
    super("UNAUTHENTICATED", message);
  }
}

/** A valid key asking for something its owner may not do. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super("FORBIDDEN", message);
  }
}

/** Too many requests or too much work at once for one key; retry after `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("RATE_LIMITED", message);
  }
}

/**
 * The tune asked for runs on a backend this server cannot run (no GPU, no TensorRT, no
 * engines...). `missing` says what, in words an operator can act on. Nothing was written.
 */
export class BackendUnavailableError extends AppError {
  constructor(
    readonly field: string,
    readonly backend: string,
    readonly missing: readonly string[],
    readonly what: string,
  ) {
    super("BACKEND_UNAVAILABLE", `${what} runs on ${backend}, which is unavailable on this server: ${missing.join("; ")}`);
  }
}

/** A received value described in words ("a gif image", "none of them"), shown without quotes. */
export class Description {
  constructor(readonly text: string) {}
}

export function described(text: string): Description {
  return new Description(text);
}

const MAX_SHOWN = 80;

/** How a received value is quoted in error messages: short, unambiguous, never the whole payload. */
export function describeReceived(value: unknown): string {
  if (value instanceof Description) return value.text;
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `${JSON.stringify(shown)}${value.length > MAX_SHOWN ? ` (${value.length} characters)` : ""}`;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value as object);
    return keys.length === 0 ? "an empty object" : `an object with ${keys.join(", ")}`;
  }
  return typeof value;
}
