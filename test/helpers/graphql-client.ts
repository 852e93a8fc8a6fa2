import type { GraphQLFormattedError } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  key?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(key) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** Like gql, but fails on any GraphQL error. */
export async function gqlData<T = Record<string, any>>(url: string, query: string, variables?: Record<string, unknown>, key?: string): Promise<T> {
  const result = await gql<T>(url, query, variables, key);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** `key` goes in the connection_init payload, as browsers send it. */
export function wsClient(url: string, key?: string): Client {
  return createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: bearer(key) });
}

/** The Authorization header for an API key, or nothing. */
export function bearer(key: string | undefined): Record<string, string> {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** Collects every message of a subscription until it completes; `onMessage` sees each as it comes. */
export async function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  onMessage?: (message: GraphQLResponse<T>) => void,
): Promise<GraphQLResponse<T>[]> {
  const messages: GraphQLResponse<T>[] = [];
  for await (const message of client.iterate<T>({ query, variables })) {
    messages.push(message as GraphQLResponse<T>);
    onMessage?.(message as GraphQLResponse<T>);
  }
  return messages;
}

export async function uploadImage(
  baseUrl: string,
  bytes: Buffer,
  contentType: string,
  key?: string,
): Promise<{ id: string; url: string; width: number; height: number; format: string }> {
  const response = await fetch(`${baseUrl}/v1/images`, { method: "POST", headers: { "content-type": contentType, ...bearer(key) }, body: bytes });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; url: string; width: number; height: number; format: string };
}
