import type { ParseArgsConfig } from "node:util";
import type { Connection } from "./api-client.js";

/** --server and --key, shared by the client commands; OUTPAINT_URL and OUTPAINT_API_KEY are their defaults. */
export const CONNECTION_OPTIONS = {
  server: { type: "string" },
  key: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

export const CONNECTION_HELP = `  --server <url>   the server (default: $OUTPAINT_URL or http://127.0.0.1:4000)
  --key <key>      an API key (default: $OUTPAINT_API_KEY)`;

export function connectionFrom(values: { server?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  const url = (values.server ?? env.OUTPAINT_URL ?? "http://127.0.0.1:4000").replace(/\/+$/, "");
  return { url, key: values.key ?? (env.OUTPAINT_API_KEY || undefined) };
}

/** "zoom-out-2x" -> "ZOOM_OUT_2X": the CLI takes GraphQL enum values in lower kebab case too. */
export function enumValue(value: string | undefined): string | undefined {
  return value?.trim().replace(/-/g, "_").toUpperCase();
}
