import type { IncomingMessage } from "node:http";
import type { RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { ForbiddenError } from "../core/errors.js";
import type { Caller } from "../core/owner.js";
import type { KeyService } from "../services/key.service.js";
import { sendError } from "./http-errors.js";
import { isLoopbackHost } from "./loopback.js";
import type { RateLimiter } from "./rate-limiter.js";

/** Who a request acts for, once its key is checked and within its limits. */
export class RequestGate {
  constructor(
    private readonly keys: KeyService,
    private readonly limiter: RateLimiter,
  ) {}

  /**
   * The caller behind an `Authorization` value. A keyed HTTP request holds one of its key's
   * in-flight slots until `response` closes; without a response (a WebSocket operation) it takes a token only.
   */
  async admit(authorization: string | undefined, response?: Pick<Response, "once" | "closed">): Promise<Caller> {
    const caller = await this.keys.authenticate(authorization);
    if (caller.keyId === null) return caller;
    if (!response) {
      this.limiter.take(caller.keyId);
      return caller;
    }
    const release = this.limiter.acquire(caller.keyId);
    // The client may have gone while the key was looked up: then "close" has already fired.
    if (response.closed) release();
    else response.once("close", release);
    return caller;
  }

  /**
   * Without keys anyone who can make this machine's browser send a request could use the server,
   * so a keyless server answers only requests addressed to a loopback name (no DNS rebinding)
   * and not sent by another site's page (no cross-site requests).
   */
  async checkKeylessOrigin(request: IncomingMessage): Promise<void> {
    if (await this.keys.required()) return;
    const host = request.headers.host ?? "";
    if (!isLoopbackHost(host.replace(/:\d+$/, ""))) {
      throw new ForbiddenError(`Expected a loopback Host (127.0.0.1, localhost, [::1]) for a server without API keys but received ${JSON.stringify(host)}`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && originHost(origin) !== host.toLowerCase()) {
      throw new ForbiddenError(`Expected no Origin or this server's own (${host}) for a server without API keys but received ${JSON.stringify(origin)}`);
    }
  }
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Refuses, before any route, what a keyless server must not answer (see checkKeylessOrigin). */
export function keylessOriginGuard(gate: RequestGate, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    try {
      await gate.checkKeylessOrigin(req);
      next();
    } catch (error) {
      req.resume();
      sendError(res, error, logger);
    }
  };
}

/** Routes behind it get `res.locals.caller`, or a 401 / 429 answer in the shape `send` writes. */
export function requireCaller(gate: RequestGate, logger: Logger, send = sendError): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.caller = await gate.admit(req.headers.authorization, res);
      next();
    } catch (error) {
      req.resume();
      send(res, error, logger);
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
