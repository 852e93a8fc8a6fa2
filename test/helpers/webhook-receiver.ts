import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  answeredWith: number;
}

/**
 * A webhook endpoint on loopback that records every request and answers with the status
 * `respond` picks for the n-th request (0-based). It can be stopped and started on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  #server: Server | null = null;
  port = 0;

  constructor(private readonly respond: (index: number) => number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/outpaint`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const status = this.respond(this.received.length);
        this.received.push({ headers: req.headers, body, answeredWith: status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
