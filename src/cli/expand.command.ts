import { readFileSync, writeFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import { ApiClient } from "./client/api-client.js";
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionFrom, enumValue } from "./client/connection-options.js";
import { ProgressBar, type ProgressState } from "./client/progress-bar.js";
import { UsageError } from "./usage-error.js";

export const EXPAND_HELP = `Usage: outpaint expand <image> [how far] [options] [-o out.png]

How far (one of):
  --top N --right N --bottom N --left N    pixels per side
  --target WxH [--anchor center]           final size; anchor: top-left ... center ... bottom-right
  --preset zoom-out-2x [--preset-factor F] zoom-out-1-5x, zoom-out-2x, make-square, aspect-16-9,
                                           aspect-9-16, aspect-4-3, aspect-3-4, extend-left ...
Options:
  --prompt "text"  --negative-prompt "text"  --blur N  --infill patchmatch|edge|tile|color
  --seed N  --format png|jpeg|webp  -o, --output <file>  --quiet
${CONNECTION_HELP}
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  top: { type: "string" },
  right: { type: "string" },
  bottom: { type: "string" },
  left: { type: "string" },
  target: { type: "string" },
  anchor: { type: "string" },
  preset: { type: "string" },
  "preset-factor": { type: "string" },
  prompt: { type: "string" },
  "negative-prompt": { type: "string" },
  blur: { type: "string" },
  infill: { type: "string" },
  seed: { type: "string" },
  format: { type: "string" },
  output: { type: "string", short: "o" },
  quiet: { type: "boolean" },
} as const;

const CONTENT_TYPES: Record<string, string> = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp" };

const JOB_FIELDS = `id status stage progress { pass passCount step totalSteps percent etaSeconds }
  result { url width height format } error { code message field }`;
const CREATE = `mutation($input: OutpaintInput!) { createOutpaintJob(input: $input) { ${JOB_FIELDS} } }`;
const FOLLOW = `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelJob(id: $id) { id status } }`;

interface JobView {
  id: string;
  status: string;
  stage: string | null;
  progress: Omit<ProgressState, "status" | "stage">;
  result: { url: string; width: number; height: number; format: string } | null;
  error: { code: string; message: string; field: string | null } | null;
}

/** `outpaint expand`: upload, queue, follow the job's progress live, write the result. */
export async function expandCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`Expected one image file for expand but received ${positionals.length}\n\n${EXPAND_HELP}`);
  const file = positionals[0]!;
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
  const input = outpaintInput(values);
  const format = (input.outputFormat as string | undefined) ?? "PNG";
  const output = values.output ?? `${basename(file, extname(file))}-outpainted.${format === "JPEG" ? "jpg" : format.toLowerCase()}`;

  const api = new ApiClient(connectionFrom(values));
  const image = await api.upload(readFileSync(file), contentType);
  const { createOutpaintJob: created } = await api.request<{ createOutpaintJob: JobView }>(CREATE, {
    input: { ...input, image: { id: image.id } },
  });
  if (!values.quiet) process.stderr.write(`job ${created.id}: ${image.width}x${image.height} -> queued\n`);

  const bar = values.quiet ? null : new ProgressBar();
  const socket = api.subscriptions();
  const interrupt = () => {
    process.stderr.write(`\ncancelling job ${created.id}...\n`);
    void api.request(CANCEL, { id: created.id }).finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupt);
  let final: JobView = created;
  try {
    for await (const message of socket.iterate<{ jobUpdated: JobView }>({ query: FOLLOW, variables: { id: created.id } })) {
      const job = message.data?.jobUpdated;
      if (!job) throw new Error(message.errors?.[0]?.message ?? "The subscription ended without data");
      final = job;
      bar?.update({ status: job.status, stage: job.stage, ...job.progress });
    }
  } finally {
    process.off("SIGINT", interrupt);
    bar?.done();
    await socket.dispose();
  }
  if (final.status !== "SUCCEEDED" || !final.result) {
    process.stderr.write(`job ${final.id} ${final.status}${final.error ? `: ${final.error.code}: ${final.error.message}` : ""}\n`);
    process.exitCode = 1;
    return;
  }
  writeFileSync(output, await api.download(final.result.url));
  process.stderr.write(`wrote ${output} (${final.result.width}x${final.result.height})\n`);
}

/** The OutpaintInput the flags describe; the server validates ranges and combinations. */
function outpaintInput(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const text = (name: string) => values[name] as string | undefined;
  const number = (name: string): number | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value)) throw new UsageError(`Expected a number for --${name} but received ${JSON.stringify(raw)}`);
    return value;
  };
  const input: Record<string, unknown> = {};
  const sides = { top: number("top"), right: number("right"), bottom: number("bottom"), left: number("left") };
  if (Object.values(sides).some((side) => side !== undefined)) input.extend = sides;
  const target = text("target");
  if (target !== undefined) {
    const match = /^(\d+)x(\d+)$/i.exec(target.trim());
    if (!match) throw new UsageError(`Expected WIDTHxHEIGHT such as 1920x1080 for --target but received ${JSON.stringify(target)}`);
    input.target = { width: Number(match[1]), height: Number(match[2]), anchor: enumValue(text("anchor")) };
  } else if (text("anchor") !== undefined) {
    throw new UsageError("Expected --anchor only with --target but received it without");
  }
  if (text("preset") !== undefined) input.preset = enumValue(text("preset"));
  input.presetFactor = number("preset-factor");
  input.prompt = text("prompt");
  input.negativePrompt = text("negative-prompt");
  input.blur = number("blur");
  input.infill = enumValue(text("infill"));
  input.seed = number("seed");
  input.outputFormat = enumValue(text("format") === "jpg" ? "jpeg" : text("format"));
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
