import type { IncomingMessage } from "node:http";
import type { RequestHandler, Response } from "express";
import type { Logger } from "pino";
import type { Caller } from "../core/owner.js";
import type { KeyService } from "../services/keys/key.service.js";
import { sendError } from "./http-errors.js";
import type { RateLimiter } from "./rate-limiter.js";

/** Who a request acts for, once its key is checked and within its limits. */
export class RequestGate {
  constructor(
    private readonly keys: KeyService,
    private readonly limiter: RateLimiter,
  ) {}

  /**
   * The caller behind an `Authorization` value. A keyed HTTP request holds one of its key's
   * in-flight slots until `response` closes; without a response (a WebSocket) it takes a token only.
   */
  async admit(authorization: string | undefined, response?: Pick<Response, "once">): Promise<Caller> {
    const caller = await this.keys.authenticate(authorization);
    if (caller.keyId === null) return caller;
    if (response) response.once("close", this.limiter.acquire(caller.keyId));
    else this.limiter.take(caller.keyId);
    return caller;
  }
}

/** REST routes behind it get `res.locals.caller`, or a 401 / 429 answer. */
export function requireCaller(gate: RequestGate, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.caller = await gate.admit(req.headers.authorization, res);
      next();
    } catch (error) {
      req.resume();
      sendError(res, error, logger);
    }
  };
}

export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

/**
 * The key of a graphql-ws connection: `Authorization` (or `authorization`) in the connection_init
 * payload, as browsers cannot set headers on a WebSocket, else the upgrade request's header.
 */
export function wsAuthorization(params: Record<string, unknown> | undefined, request: IncomingMessage): string | undefined {
  const value = params?.Authorization ?? params?.authorization ?? request.headers.authorization;
  return typeof value === "string" ? value : undefined;
}
