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
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** Like gql, but fails on any GraphQL error. */
export async function gqlData<T = Record<string, any>>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await gql<T>(url, query, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export function wsClient(url: string): Client {
  return createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

/** Collects every message of a subscription until it completes. */
export async function collect<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>[]> {
  const messages: GraphQLResponse<T>[] = [];
  for await (const message of client.iterate<T>({ query, variables })) {
    messages.push(message as GraphQLResponse<T>);
  }
  return messages;
}

export async function uploadImage(baseUrl: string, bytes: Buffer, contentType: string): Promise<{ id: string; url: string; width: number; height: number; format: string }> {
  const response = await fetch(`${baseUrl}/v1/images`, { method: "POST", headers: { "content-type": contentType }, body: bytes });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; url: string; width: number; height: number; format: string };
}
