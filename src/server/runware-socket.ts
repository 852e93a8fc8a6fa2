import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Caller } from "../core/owner.js";
import { toRunwareError } from "../services/runware/runware-error.js";
import type { RunwareFrame, WorkTask } from "../services/runware/runware.service.js";
import type { Services } from "../services/services.js";
import type { RequestGate } from "./auth.js";
import { baseUrlOf } from "./base-url.js";
import { bearerOf, invalidApiKey, readTasks } from "./runware-tasks.js";
import { CLOSE_FORBIDDEN, type RevokedSockets } from "./revoked-sockets.js";

/**
 * Runware's WebSocket API (runware.ai/docs/en/getting-started/how-to-connect): each message is a
 * JSON array of tasks; the first is `authentication` with the API key (and, to resume, the
 * session's connectionSessionUUID), answered { data: [{ taskType: "authentication",
 * connectionSessionUUID }] }; `ping` is answered with a pong; results stream back one frame per
 * image as each finishes, each naming its taskUUID; errors name theirs. Tasks before
 * authentication are refused with invalidApiKey, which Runware's SDK takes as final.
 */
export class RunwareSocket {
  readonly #server: WebSocketServer;

  constructor(
    private readonly services: Services,
    private readonly gate: RequestGate,
    private readonly revoked: RevokedSockets,
    private readonly options: { maxMessageBytes: number; publicUrl: string | undefined },
    private readonly logger: Logger,
  ) {
    this.#server = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  }

  /** Takes an upgrade request for this endpoint (server.ts routes upgrades by path). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.gate.checkKeylessOrigin(request).then(
      () => this.#server.handleUpgrade(request, socket, head, (ws) => this.#serve(ws, request)),
      () => {
        socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      },
    );
  }

  /** Closes every connection; their running tasks go on as jobs (getResponse finds them). */
  async close(): Promise<void> {
    for (const client of this.#server.clients) client.close(1001, "Server shutting down");
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #serve(ws: WebSocket, request: IncomingMessage): void {
    const origin = baseUrlOf(request, this.options.publicUrl);
    let session: { caller: Caller; authorization: string | undefined } | null = null;
    const send = (frame: RunwareFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    ws.on("error", (error) => this.logger.debug({ err: error }, "Runware WebSocket error"));
    ws.on("message", (raw: RawData, isBinary: boolean) => {
      let body: unknown;
      try {
        body = JSON.parse(isBinary ? raw.toString() : raw.toString("utf8"));
      } catch {
        send({ errors: [{ code: "invalidRequest", message: "Expected a JSON array of task objects" }] });
        return;
      }
      for (const item of readTasks(body)) {
        if ("refused" in item) {
          send({ errors: [item.refused] });
          continue;
        }
        const { task } = item;
        if (task.taskType === "ping") {
          send({ data: [{ taskType: "ping", pong: true }] });
        } else if (task.taskType === "authentication") {
          const authorization = bearerOf(task.apiKey) ?? request.headers.authorization;
          this.gate.admit(authorization).then(
            (caller) => {
              session = { caller, authorization };
              if (caller.keyId) this.revoked.add(ws, caller.keyId);
              send({ data: [{ taskType: "authentication", connectionSessionUUID: task.connectionSessionUUID ?? randomUUID() }] });
            },
            (error: unknown) => {
              send({ errors: [invalidApiKey(error)] });
              ws.close(CLOSE_FORBIDDEN, "Forbidden: invalid API key");
            },
          );
        } else if (!session) {
          send({ errors: [{ ...invalidApiKey(null), message: "Send an authentication task with the API key first", taskType: task.taskType, taskUUID: task.taskUUID }] });
        } else {
          void this.#run(session, task, origin, send);
        }
      }
    });
  }

  /** Every task is admitted again (a revoked key stops at once, each task takes a rate-limit token). */
  async #run(session: { authorization: string | undefined }, task: WorkTask, origin: string, send: (frame: RunwareFrame) => void): Promise<void> {
    let caller: Caller;
    try {
      caller = await this.gate.admit(session.authorization);
    } catch (error) {
      send({ errors: [toRunwareError(error).json(task)] });
      return;
    }
    await this.services.runware.run(caller.owner, task, origin, ({ data, errors }) => send({ ...(data ? { data } : {}), ...(errors ? { errors } : {}) }));
  }
}
