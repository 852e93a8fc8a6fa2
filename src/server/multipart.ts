import busboy from "busboy";
import type { Request } from "express";
import { described, InputError } from "../core/errors.js";
import { incompleteBody, tooLarge } from "./request-body.js";

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, Buffer>;
}

/**
 * Reads a multipart/form-data body: its text fields and (up to `maxFiles`) files, by field name.
 * Every emitter involved (the request, busboy, each file stream) has its errors handled: a
 * truncated, malformed or aborted body rejects with an InputError, never an unhandled 'error'.
 */
export function readMultipart(req: Request, limits: { maxFileBytes: number; maxFiles: number }): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: limits.maxFiles, fileSize: limits.maxFileBytes, fields: 100 } });
    } catch (error) {
      reject(new InputError("body", "a multipart/form-data body with a boundary", described((error as Error).message)));
      return;
    }
    // Without a prototype, a part named "__proto__" is a field like any other, seen and refused.
    const form: MultipartForm = { fields: Object.create(null), files: Object.create(null) };
    let settled = false;
    let openFiles = 0;
    let parserClosed = false;
    const fail = (error: InputError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // The rest of the body is read and dropped, so the answer reaches the client.
      req.resume();
      reject(error);
    };
    const malformed = (error: Error) => fail(new InputError("body", "a well-formed multipart/form-data body", described(error.message)));
    const finishIfDone = () => {
      if (!settled && parserClosed && openFiles === 0) {
        settled = true;
        resolve(form);
      }
    };

    parser.on("field", (name, value) => {
      form.fields[name] = value;
    });
    parser.on("file", (name, stream) => {
      openFiles++;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => fail(tooLarge(limits.maxFileBytes, `more than ${limits.maxFileBytes} bytes`)));
      stream.on("error", malformed);
      stream.on("end", () => {
        openFiles--;
        form.files[name] = Buffer.concat(chunks);
        finishIfDone();
      });
    });
    parser.on("error", malformed);
    parser.on("close", () => {
      parserClosed = true;
      finishIfDone();
    });
    req.on("error", (error) => fail(incompleteBody(error)));
    req.pipe(parser);
  });
}
