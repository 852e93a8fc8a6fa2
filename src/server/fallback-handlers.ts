import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";

/** Unknown routes answer JSON, not Express's HTML page. */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: "NOT_FOUND", message: `No route for ${req.method} ${req.path}` } });
};

/**
 * Errors raised before a handler ran, chiefly the JSON body parser's (too large, malformed).
 * On the GraphQL path they take GraphQL's error shape, so every GraphQL error has a code.
 */
export function requestErrors(graphqlPath: string, logger: Logger): ErrorRequestHandler {
  return (error: { type?: string; status?: number; limit?: number; message?: string }, req, res, _next) => {
    const [status, code, message] =
      error.type === "entity.too.large"
        ? [413, "PAYLOAD_TOO_LARGE", `Expected a request body of at most ${error.limit} bytes but received more`]
        : error.type === "entity.parse.failed"
          ? [400, "BAD_REQUEST", `Expected a JSON request body but received malformed JSON (${error.message})`]
          : error.status && error.status >= 400 && error.status < 500
            ? [error.status, "BAD_REQUEST", error.message ?? "Bad request"]
            : [500, "INTERNAL_SERVER_ERROR", "Internal server error"];
    if (status === 500) logger.error({ err: error }, "unexpected error in the HTTP stack");
    if (req.path === graphqlPath) res.status(status).json({ errors: [{ message, extensions: { code } }] });
    else res.status(status).json({ error: { code, message } });
  };
}
