import express, { Router, type Request } from "express";
import type { Logger } from "pino";
import { described, InputError, NotFoundError } from "../../core/errors.js";
import type { Services } from "../../services/services.js";
import { callerOf, requireCaller, type RequestGate } from "../auth.js";
import { baseUrlOf } from "../base-url.js";
import { inlineBodyLimit } from "../body-limit.js";
import { sendError } from "../http-errors.js";
import { readMultipart } from "../multipart.js";

const PROMPT_FIELD = /^prompt\[(\w+)\]$/;

/**
 * Astria's prompt API: POST /tunes/:id/prompts with `prompt[...]` fields (multipart, urlencoded
 * or JSON { prompt: {...} }) and GET /tunes/:id/prompts/:prompt_id, answering Astria's prompt JSON.
 */
export function astriaRoutes(services: Services, gate: RequestGate, options: { maxUploadBytes: number; publicUrl: string | undefined }, logger: Logger): Router {
  const router = Router();
  const limit = inlineBodyLimit(options.maxUploadBytes);
  const urlencoded = express.urlencoded({ extended: false, limit });
  const json = express.json({ limit });

  router.use("/tunes", requireCaller(gate, logger));

  router.post("/tunes/:tuneId/prompts", urlencoded, json, async (req, res) => {
    try {
      const { fields, files } = await readPromptForm(req, options.maxUploadBytes);
      const prompt = await services.astria.createPrompt(callerOf(res).owner, req.params.tuneId, fields, files, baseUrlOf(req, options.publicUrl));
      res.status(201).json(prompt);
    } catch (error) {
      req.resume();
      sendError(res, error, logger);
    }
  });

  router.get("/tunes/:tuneId/prompts/:promptId", async (req, res) => {
    try {
      const promptId = req.params.promptId.replace(/\.json$/, "");
      const prompt = await services.astria.getPrompt(callerOf(res).owner, req.params.tuneId, promptId, baseUrlOf(req, options.publicUrl));
      if (!prompt) throw new NotFoundError("prompt", promptId, "prompt_id");
      res.json(prompt);
    } catch (error) {
      sendError(res, error, logger);
    }
  });

  return router;
}

/** The `prompt[name]` fields and files of the request, by name. */
async function readPromptForm(req: Request, maxBytes: number): Promise<{ fields: Record<string, string>; files: Record<string, Buffer> }> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  let raw: Record<string, unknown> = {};
  let uploads: Record<string, Buffer> = {};
  if (type.startsWith("multipart/form-data")) {
    const form = await readMultipart(req, { maxFileBytes: maxBytes, maxFiles: 2 });
    raw = form.fields;
    uploads = form.files;
  } else if (type.startsWith("application/json")) {
    const prompt = (req.body as { prompt?: unknown } | undefined)?.prompt;
    if (!prompt || typeof prompt !== "object") throw new InputError("prompt", "an object of prompt fields", req.body);
    raw = Object.fromEntries(Object.entries(prompt).map(([key, value]) => [`prompt[${key}]`, value]));
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    raw = (req.body ?? {}) as Record<string, unknown>;
  } else {
    throw new InputError(
      "Content-Type",
      "multipart/form-data, application/x-www-form-urlencoded or application/json",
      type || described("no Content-Type"),
      "UNSUPPORTED_MEDIA_TYPE",
    );
  }
  // No prototype: prompt[__proto__] is a field like any other, refused as unknown.
  const fields: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    fields[promptField(key)] = value === null || value === undefined ? "" : String(value);
  }
  const files: Record<string, Buffer> = Object.create(null);
  for (const [key, bytes] of Object.entries(uploads)) files[promptField(key)] = bytes;
  return { fields, files };
}

function promptField(key: string): string {
  const match = PROMPT_FIELD.exec(key);
  if (!match) throw new InputError(key, "prompt[<name>] fields", described("another field"));
  return match[1]!;
}
