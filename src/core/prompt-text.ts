import { described, InputError } from "./errors.js";
import { ANCHORS, type Anchor } from "./geometry.js";

// Astria-style prompt text: free text with inline <lora:ID:weight> tags and flags such as
// `--outpaint top-center --outpaint_width 864 --outpaint_height 1296 --outpaint_prompt "a beach"`.
// Errors give the 1-based character position of the offending token.

export interface LoraTag {
  id: string;
  weight: number;
}

export interface OutpaintFlags {
  anchor: Anchor;
  width: number | null;
  height: number | null;
  prompt: string | null;
}

export interface ParsedPromptText {
  /** The text with flags and tags removed, whitespace collapsed. */
  text: string;
  outpaint: OutpaintFlags | null;
  loras: LoraTag[];
}

const ANCHOR_WORDS = new Map<string, Anchor>(ANCHORS.map((anchor) => [anchor.toLowerCase().replace("_", "-"), anchor]));
const FLAGS = ["outpaint", "outpaint_width", "outpaint_height", "outpaint_prompt"] as const;
type Flag = (typeof FLAGS)[number];
const MAX_FLAG_SIZE = 8192;

export function parsePromptText(source: string, field: string): ParsedPromptText {
  const fail = (position: number, allowed: string, received: string): never => {
    throw new InputError(field, `${allowed} at character ${position + 1}`, described(JSON.stringify(received)));
  };
  const words: string[] = [];
  const loras: LoraTag[] = [];
  const flags = new Map<Flag, { value: string; position: number }>();
  let i = 0;

  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
  };
  const readWord = () => {
    const start = i;
    while (i < source.length && !/\s/.test(source[i]!)) i++;
    return source.slice(start, i);
  };
  const readQuoted = (): string => {
    const open = i++;
    let value = "";
    while (i < source.length && source[i] !== '"') {
      if (source[i] === "\\" && i + 1 < source.length) i++;
      value += source[i++];
    }
    if (i >= source.length) fail(open, "a closing \" for the quote opened", source.slice(open));
    i++;
    return value;
  };

  while (i < source.length) {
    skipSpace();
    if (i >= source.length) break;
    const start = i;
    if (source.startsWith("--", i) && /[A-Za-z]/.test(source[i + 2] ?? "")) {
      i += 2;
      const name = readWord();
      if (!(FLAGS as readonly string[]).includes(name)) {
        fail(start, `one of ${FLAGS.map((flag) => `--${flag}`).join(", ")}`, `--${name}`);
      }
      const flag = name as Flag;
      if (flags.has(flag)) fail(start, `--${flag} once`, `a second --${flag}`);
      skipSpace();
      const valueStart = i;
      if (i >= source.length || source.startsWith("--", i)) fail(start, `a value after --${flag}`, "nothing");
      const value = flag === "outpaint_prompt" && source[i] === '"' ? readQuoted() : readWord();
      flags.set(flag, { value, position: valueStart });
      continue;
    }
    if (source.startsWith("<lora:", i)) {
      const close = source.indexOf(">", i);
      const match = close === -1 ? null : /^<lora:([^:>\s]+):(-?\d+(?:\.\d+)?)>$/.exec(source.slice(i, close + 1));
      if (!match) fail(start, "a tag of the form <lora:ID:weight>", source.slice(i, close === -1 ? i + 40 : close + 1));
      const weight = Number(match![2]);
      if (weight < -2 || weight > 2) fail(start, "a LoRA weight between -2 and 2", match![2]!);
      loras.push({ id: match![1]!, weight });
      i = close + 1;
      continue;
    }
    words.push(readWord());
  }

  return { text: words.join(" "), outpaint: outpaintFlags(flags, fail), loras };
}

function outpaintFlags(
  flags: Map<Flag, { value: string; position: number }>,
  fail: (position: number, allowed: string, received: string) => never,
): OutpaintFlags | null {
  const anchor = flags.get("outpaint");
  if (!anchor) {
    const stray = FLAGS.map((flag) => ({ flag, entry: flags.get(flag) })).find(({ entry }) => entry);
    if (stray) fail(stray.entry!.position, "--outpaint <anchor> together with", `--${stray.flag} alone`);
    return null;
  }
  const anchorValue = ANCHOR_WORDS.get(anchor.value.toLowerCase());
  if (!anchorValue) fail(anchor.position, `an anchor (${[...ANCHOR_WORDS.keys()].join(", ")})`, anchor.value);
  const size = (flag: "outpaint_width" | "outpaint_height"): number | null => {
    const entry = flags.get(flag);
    if (!entry) return null;
    const value = Number(entry.value);
    if (!/^\d+$/.test(entry.value) || value < 1 || value > MAX_FLAG_SIZE) {
      fail(entry.position, `an integer between 1 and ${MAX_FLAG_SIZE} for --${flag}`, entry.value);
    }
    return value;
  };
  return {
    anchor: anchorValue!,
    width: size("outpaint_width"),
    height: size("outpaint_height"),
    prompt: flags.get("outpaint_prompt")?.value ?? null,
  };
}

/** Writes parsed prompt text back as text: tags first, then the text, then the flags. */
export function formatPromptText(parsed: ParsedPromptText): string {
  const parts = parsed.loras.map((lora) => `<lora:${lora.id}:${lora.weight}>`);
  if (parsed.text) parts.push(parsed.text);
  const flags = parsed.outpaint;
  if (flags) {
    parts.push(`--outpaint ${flags.anchor.toLowerCase().replace("_", "-")}`);
    if (flags.width !== null) parts.push(`--outpaint_width ${flags.width}`);
    if (flags.height !== null) parts.push(`--outpaint_height ${flags.height}`);
    if (flags.prompt !== null) parts.push(`--outpaint_prompt "${flags.prompt.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  }
  return parts.join(" ");
}
