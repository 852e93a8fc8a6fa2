import busboy from "busboy";
import type { Request } from "express";
import { described, InputError } from "../core/errors.js";

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, Buffer>;
}

export function tooLarge(maxBytes: number, received: string): InputError {
  return new InputError("body", `an upload of at most ${maxBytes} bytes`, described(received), "PAYLOAD_TOO_LARGE");
}

/** Reads a multipart/form-data body: its text fields and (up to `maxFiles`) files, by field name. */
export function readMultipart(req: Request, limits: { maxFileBytes: number; maxFiles: number }): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: limits.maxFiles, fileSize: limits.maxFileBytes, fields: 100 } });
    } catch (error) {
      reject(new InputError("body", "a multipart/form-data body with a boundary", described((error as Error).message)));
      return;
    }
    const form: MultipartForm = { fields: {}, files: {} };
    const pending: Promise<void>[] = [];
    parser.on("field", (name, value) => {
      form.fields[name] = value;
    });
    parser.on("file", (name, stream) => {
      pending.push(
        new Promise((done, fail) => {
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("limit", () => fail(tooLarge(limits.maxFileBytes, `more than ${limits.maxFileBytes} bytes`)));
          stream.on("end", () => {
            form.files[name] = Buffer.concat(chunks);
            done();
          });
        }),
      );
    });
    parser.on("error", (error: Error) => reject(new InputError("body", "a well-formed multipart/form-data body", described(error.message))));
    parser.on("close", () => {
      Promise.all(pending).then(() => resolve(form), reject);
    });
    req.pipe(parser);
  });
}
