import { createClient, type Client } from "graphql-ws";

// The few calls the playground makes: upload, queue, follow. Errors keep the server's code and field.

export interface JobView {
  id: string;
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  stage: string | null;
  width: number;
  height: number;
  placement: { x: number; y: number; width: number; height: number };
  progress: { pass: number; passCount: number; step: number; totalSteps: number; percent: number; etaSeconds: number | null };
  preview: { url: string } | null;
  result: { url: string; format: string } | null;
  error: { code: string; message: string; field: string | null } | null;
}

const JOB_FIELDS = `id status stage width height placement { x y width height }
  progress { pass passCount step totalSteps percent etaSeconds }
  preview { url } result { url format } error { code message field }`;

export class RequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

export class PlaygroundApi {
  constructor(private readonly key: string) {}

  async upload(file: File): Promise<{ id: string }> {
    const response = await fetch("/v1/images", { method: "POST", headers: { "content-type": file.type || "application/octet-stream", ...this.#auth() }, body: file });
    const body = (await response.json()) as { id: string; error?: { code: string; message: string; field?: string } };
    if (body.error) throw new RequestError(body.error.message, body.error.code, body.error.field ?? null);
    return body;
  }

  async createJob(input: Record<string, unknown>): Promise<JobView> {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...this.#auth() },
      body: JSON.stringify({ query: `mutation($input: OutpaintInput!) { createOutpaintJob(input: $input) { ${JOB_FIELDS} } }`, variables: { input } }),
    });
    const body = (await response.json()) as { data?: { createOutpaintJob: JobView }; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
    const error = body.errors?.[0];
    if (error) throw new RequestError(error.message, error.extensions?.code ?? "ERROR", error.extensions?.field ?? null);
    return body.data!.createOutpaintJob;
  }

  /** Calls `onUpdate` with every state of the job until it ends; resolves with the final state. */
  follow(id: string, onUpdate: (job: JobView) => void): Promise<JobView> {
    const socket: Client = createClient({
      url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
      connectionParams: this.#auth(),
      retryAttempts: 5,
    });
    return new Promise((resolve, reject) => {
      let last: JobView | null = null;
      socket.subscribe<{ jobUpdated: JobView }>(
        { query: `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`, variables: { id } },
        {
          next: (message) => {
            if (message.errors?.length) reject(new RequestError(message.errors[0]!.message, "SUBSCRIPTION", null));
            if (message.data) onUpdate((last = message.data.jobUpdated));
          },
          error: (error) => {
            void socket.dispose();
            reject(error instanceof Error ? error : new Error("The live connection to the server closed"));
          },
          complete: () => {
            void socket.dispose();
            if (last) resolve(last);
            else reject(new Error("The job's updates ended before any arrived"));
          },
        },
      );
    });
  }

  #auth(): Record<string, string> {
    return this.key ? { Authorization: `Bearer ${this.key}` } : {};
  }
}
