import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

// What the `outpaint` client commands use to talk to a server: GraphQL over HTTP for requests,
// graphql-ws for progress, plain HTTP for uploads and downloads. Errors carry the server's code
// and field so the commands can print them as the server wrote them.

export interface Connection {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  key: string | undefined;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}

export class ApiClient {
  constructor(private readonly connection: Connection) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await this.#fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...this.#auth() },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => null)) as { data?: T; errors?: GraphQLErrorBody[] } | null;
    const error = body?.errors?.[0];
    if (error) throw new ApiError(error.message, error.extensions?.code ?? "ERROR", error.extensions?.field ?? null);
    if (!response.ok || !body?.data) throw new ApiError(`The server answered ${response.status}`, "HTTP_ERROR", null);
    return body.data;
  }

  async upload(bytes: Buffer, contentType: string): Promise<{ id: string; width: number; height: number }> {
    const response = await this.#fetch("/v1/images", {
      method: "POST",
      headers: { "content-type": contentType, ...this.#auth() },
      body: bytes,
    });
    const body = (await response.json().catch(() => null)) as
      | { id: string; width: number; height: number; error?: { message: string; code: string; field?: string } }
      | null;
    if (!response.ok || !body || body.error) {
      throw new ApiError(body?.error?.message ?? `Upload failed with HTTP ${response.status}`, body?.error?.code ?? "HTTP_ERROR", body?.error?.field ?? null);
    }
    return body;
  }

  async download(url: string): Promise<Buffer> {
    const response = await this.#fetch(url, { headers: this.#auth() });
    if (!response.ok) throw new ApiError(`Downloading ${url} failed with HTTP ${response.status}`, "HTTP_ERROR", null);
    return Buffer.from(await response.arrayBuffer());
  }

  /** A WebSocket client that sends the key in connection_init; dispose it when done. */
  subscriptions(): Client {
    return createClient({
      url: `${this.connection.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: this.#auth(),
      retryAttempts: 5,
      lazy: true,
    });
  }

  #auth(): Record<string, string> {
    return this.connection.key ? { Authorization: `Bearer ${this.connection.key}` } : {};
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.connection.url}${path}`;
    try {
      return await fetch(url, init);
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ApiError(`Cannot reach the server at ${this.connection.url} (${reason}); start it with \`outpaint serve\` or pass --server`, "UNREACHABLE", null);
    }
  }
}
