import { BackendUnavailableError, described, InputError } from "../core/errors.js";
import type { Database } from "../infrastructure/db/database.js";
import type { ImageLinks } from "./images/image-links.js";
import type { PromptRequest, PromptService } from "./prompt.service.js";
import type { TuneService } from "./tune.service.js";
import { astriaPromptJson } from "./webhooks/payloads.js";

// Astria's prompt API on top of the prompt service: `prompt[...]` form fields in, Astria's prompt
// JSON out, and errors that name Astria's fields.

/** Astria fields this server takes, with the PromptRequest field each fills and how to read it. */
const FIELDS: Record<string, { to: keyof PromptRequest; read: "text" | "int" | "number" }> = {
  text: { to: "text", read: "text" },
  negative_prompt: { to: "negativePrompt", read: "text" },
  num_images: { to: "numImages", read: "int" },
  seed: { to: "seed", read: "int" },
  steps: { to: "steps", read: "int" },
  cfg_scale: { to: "cfgScale", read: "number" },
  denoising_strength: { to: "denoisingStrength", read: "number" },
  w: { to: "w", read: "int" },
  h: { to: "h", read: "int" },
  ar: { to: "ar", read: "text" },
  scheduler: { to: "scheduler", read: "text" },
  callback: { to: "callbackUrl", read: "text" },
};
// Plain decimal only: Number() would also take 0x2, 0b1, 1e1 and Infinity.
const DECIMAL_INT = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const IMAGE_FIELDS = ["input_image", "input_image_url", "mask_image", "mask_image_url"];
/** Astria options for features this server does not have; accepted so Astria clients work, without effect. */
const IGNORED = [
  "controlnet",
  "controlnet_conditioning_scale",
  "controlnet_txt2img",
  "super_resolution",
  "inpaint_faces",
  "face_correct",
  "film_grain",
  "face_swap",
  "hires_fix",
  "backend_version",
  "color_grading",
  "use_lpw",
];
const KNOWN = [...Object.keys(FIELDS), ...IMAGE_FIELDS, ...IGNORED];

/** Astria's name for each field the prompt service may name in an error. */
const ERROR_FIELDS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(FIELDS).map(([astria, { to }]) => [to, `prompt[${astria}]`])),
  "text (--outpaint_width)": "prompt[text] (--outpaint_width)",
  "text (--outpaint_height)": "prompt[text] (--outpaint_height)",
  "text (--outpaint_width/--outpaint_height)": "prompt[text] (--outpaint_width/--outpaint_height)",
};

export type AstriaPrompt = ReturnType<typeof astriaPromptJson>;

export class AstriaService {
  constructor(
    private readonly db: Database,
    private readonly prompts: PromptService,
    private readonly links: ImageLinks,
    private readonly tunes: TuneService,
  ) {}

  /** `fields` are the form's `prompt[name]` values by name; `files` its uploaded images by name. */
  async createPrompt(owner: string, tuneId: string, fields: Record<string, string>, files: Record<string, Buffer>, origin: string): Promise<AstriaPrompt> {
    const request = this.#read(fields, files);
    try {
      const prompt = await this.prompts.create(owner, await this.#ourTuneId(owner, tuneId), request, null, "ASTRIA");
      return (await this.getPrompt(owner, prompt.tuneId, prompt.id, origin))!;
    } catch (error) {
      throw error instanceof InputError || error instanceof BackendUnavailableError ? renamed(error, request) : error;
    }
  }

  async getPrompt(owner: string, tuneId: string, promptId: string, origin: string): Promise<AstriaPrompt | null> {
    const prompt = await this.db.prompts.find(promptId, owner);
    if (!prompt || prompt.tuneId !== (await this.#ourTuneId(owner, tuneId))) return null;
    const jobs = await this.db.jobs.listByPrompt([prompt.id]);
    return astriaPromptJson(prompt, jobs, await this.db.images.forJobs(jobs), origin, this.links.at(origin));
  }

  /** Astria's gallery id 1504944 (Flux1.dev), which its examples hard-code, names a tune of this server (TUNE_ALIASES). */
  #ourTuneId(owner: string, tuneId: string): Promise<string> {
    return this.tunes.resolveAlias(owner, tuneId);
  }

  #read(fields: Record<string, string>, files: Record<string, Buffer>): PromptRequest {
    for (const name of [...Object.keys(fields), ...Object.keys(files)]) {
      if (!KNOWN.includes(name)) throw new InputError(`prompt[${name}]`, `one of ${KNOWN.map((k) => `prompt[${k}]`).join(", ")}`, described("an unknown field"));
    }
    const request: PromptRequest = { text: fields.text ?? "" };
    for (const [name, { to, read }] of Object.entries(FIELDS)) {
      const raw = fields[name];
      if (raw === undefined || raw === "" || name === "text") continue;
      if (read === "text") {
        (request as unknown as Record<string, unknown>)[to] = raw;
        continue;
      }
      if (!(read === "int" ? DECIMAL_INT : DECIMAL_NUMBER).test(raw.trim())) {
        throw new InputError(`prompt[${name}]`, read === "int" ? "a decimal integer" : "a decimal number", raw);
      }
      (request as unknown as Record<string, unknown>)[to] = Number(raw);
    }
    request.inputImage = imageOf(fields, files, "input_image");
    request.maskImage = imageOf(fields, files, "mask_image");
    return request;
  }
}

function imageOf(fields: Record<string, string>, files: Record<string, Buffer>, name: string) {
  const file = files[name];
  const url = fields[`${name}_url`] || undefined;
  const inline = fields[name] || undefined;
  if ([file, url, inline].filter(Boolean).length > 1) {
    throw new InputError(`prompt[${name}]`, `prompt[${name}] or prompt[${name}_url], not both`, described("both"));
  }
  if (file) return { base64: file.toString("base64") };
  if (url) return { url };
  if (inline) return inline.startsWith("data:") ? { dataUri: inline } : { base64: inline };
  return null;
}

/** The same error, naming the Astria field the client sent. */
function renamed<E extends InputError | BackendUnavailableError>(error: E, request: PromptRequest): E {
  const [head = "", ...rest] = error.field.split(".");
  let field = ERROR_FIELDS[error.field] ?? ERROR_FIELDS[head];
  if (head === "inputImage" || head === "maskImage") {
    const base = head === "inputImage" ? "input_image" : "mask_image";
    field = `prompt[${base}${rest[0] === "url" || request[head]?.url ? "_url" : ""}]`;
  }
  if (!field) return error;
  if (error instanceof BackendUnavailableError) return new BackendUnavailableError(field, error.backend, error.missing, error.what) as E;
  return new InputError(field, error.allowed, described(error.received), error.code) as E;
}
