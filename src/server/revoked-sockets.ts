import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { KeyService } from "../services/key.service.js";

/** WebSocket close code for a connection whose key no longer admits it (as graphql-ws uses 4403 at connect). */
export const CLOSE_FORBIDDEN = 4403;

/**
 * Open WebSockets by the API key that opened them. Keys are revoked by the operator's CLI, in
 * another process, so every `intervalMs` the keys of open sockets are looked up in one query and
 * sockets whose key was revoked are closed: their subscriptions end with the connection.
 */
export class RevokedSockets {
  readonly #sockets = new Map<WebSocket, string>();
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly keys: KeyService,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  add(socket: WebSocket, keyId: string): void {
    // A socket may authenticate again (Runware's): the key changes, the one close listener stays.
    if (!this.#sockets.has(socket)) socket.once("close", () => this.#sockets.delete(socket));
    this.#sockets.set(socket, keyId);
    if (!this.#timer) {
      this.#timer = setInterval(() => {
        this.#sweeping = this.#sweeping.then(() => this.#sweep());
      }, this.intervalMs);
      this.#timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#sweeping;
  }

  async #sweep(): Promise<void> {
    if (this.#sockets.size === 0) return;
    try {
      const revoked = new Set(await this.keys.revokedAmong([...new Set(this.#sockets.values())]));
      for (const [socket, keyId] of this.#sockets) {
        if (!revoked.has(keyId)) continue;
        this.#sockets.delete(socket);
        socket.close(CLOSE_FORBIDDEN, "Forbidden: the API key was revoked");
        this.logger.info({ keyId }, "closed a WebSocket whose API key was revoked");
      }
    } catch (error) {
      this.logger.warn({ err: error }, "could not check the keys of open WebSockets; will retry");
    }
  }
}
