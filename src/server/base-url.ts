import type { IncomingMessage } from "node:http";

/** The origin clients used to reach us, for absolute URLs: PUBLIC_URL when set, else the Host header. */
export function baseUrlOf(request: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const host = request.headers.host ?? "localhost";
  const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
  return `${encrypted ? "https" : "http"}://${host}`;
}
