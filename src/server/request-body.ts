import type { Request } from "express";
import { described, InputError } from "../core/errors.js";

export function tooLarge(maxBytes: number, received: string): InputError {
  return new InputError("body", `an upload of at most ${maxBytes} bytes`, described(received), "PAYLOAD_TOO_LARGE");
}

/** A body the client stopped sending (aborted, reset): the client's doing, answered as a bad request. */
export function incompleteBody(error: Error): InputError {
  return new InputError("body", "a complete request body", described(`a body cut off before its end (${error.message})`));
}

/** The raw request body, refused past `maxBytes` (declared or sent). */
export async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes, `${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes, `more than ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    throw error instanceof InputError ? error : incompleteBody(error as Error);
  }
  return Buffer.concat(chunks);
}
