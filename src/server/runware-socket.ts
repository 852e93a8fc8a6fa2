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
import { admissionRefusal, bearerOf, invalidApiKey, readTasks } from "./runware-tasks.js";
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
    const connection = new Connection(ws, request, baseUrlOf(request, this.options.publicUrl), this.services, this.gate, this.revoked, this.logger);
    ws.on("error", (error) => this.logger.debug({ err: error }, "Runware WebSocket error"));
    // Messages are read in order, and an authentication is settled before the tasks after it run,
    // so a client may send [authentication, task] in one message, as over HTTP.
    let reading: Promise<void> = Promise.resolve();
    ws.on("message", (raw: RawData) => {
      reading = reading.then(() => connection.read(raw.toString("utf8")));
    });
  }
}

/** One client's socket: its authentication, and the tasks it sends. */
class Connection {
  #session: { authorization: string | undefined } | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly request: IncomingMessage,
    private readonly origin: string,
    private readonly services: Services,
    private readonly gate: RequestGate,
    private readonly revoked: RevokedSockets,
    private readonly logger: Logger,
  ) {}

  async read(text: string): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.#send({ errors: [{ code: "invalidRequest", message: "Expected a JSON array of task objects" }] });
      return;
    }
    for (const item of readTasks(body)) {
      if ("refused" in item) {
        this.#send({ errors: [item.refused] });
        continue;
      }
      const { task } = item;
      if (task.taskType === "ping") this.#send({ data: [{ taskType: "ping", pong: true }] });
      else if (task.taskType === "authentication") {
        if (!(await this.#authenticate(task.apiKey, task.connectionSessionUUID))) return;
      } else if (!this.#session) {
        this.#send({ errors: [{ ...invalidApiKey(null), message: "Send an authentication task with the API key first", taskType: task.taskType, taskUUID: task.taskUUID }] });
      } else {
        // Not awaited: a long inference must not hold up the messages after it.
        void this.#run(this.#session.authorization, task);
      }
    }
  }

  /** True when the key admits; otherwise the refusal is sent, and for a key that admits nothing the socket closed. */
  async #authenticate(apiKey: string | null, sessionUUID: string | null): Promise<boolean> {
    const authorization = bearerOf(apiKey) ?? this.request.headers.authorization;
    try {
      const caller = await this.gate.admit(authorization);
      this.#session = { authorization };
      if (caller.keyId) this.revoked.add(this.ws, caller.keyId);
      this.#send({ data: [{ taskType: "authentication", connectionSessionUUID: sessionUUID ?? randomUUID() }] });
      return true;
    } catch (error) {
      const refusal = admissionRefusal(error, this.logger);
      this.#send({ errors: [refusal.json] });
      if (refusal.httpStatus === 401) this.ws.close(CLOSE_FORBIDDEN, "Forbidden: invalid API key");
      return false;
    }
  }

  /** Every task is admitted again (a revoked key stops at once, each task takes a rate-limit token). */
  async #run(authorization: string | undefined, task: WorkTask): Promise<void> {
    let caller: Caller;
    try {
      caller = await this.gate.admit(authorization);
    } catch (error) {
      this.#send({ errors: [toRunwareError(error).json(task)] });
      return;
    }
    await this.services.runware.run(caller.owner, task, this.origin, ({ data, errors }) => this.#send({ ...(data ? { data } : {}), ...(errors ? { errors } : {}) }));
  }

  #send(frame: RunwareFrame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }
}
