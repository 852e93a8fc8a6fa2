import type { Duplex } from "node:stream";

const REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 413: "Payload Too Large", 431: "Request Header Fields Too Large" };

/**
 * Answers a request Node's HTTP parser refused (malformed, cut short by the client's half-close,
 * headers too large, too slow) in the API's JSON error shape rather than Node's bare status line.
 * A connection already reset gets nothing: nobody is there to read it.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW" ? 413 : 400;
  const body = JSON.stringify({
    error: { code: "BAD_REQUEST", message: `Expected a well-formed HTTP request but received one the HTTP parser refused (${error.code ?? error.message})` },
  });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
