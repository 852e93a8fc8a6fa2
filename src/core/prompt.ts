export interface PromptRecord {
  id: string;
  ownerId: string;
  tuneId: string;
  text: string;
  negativePrompt: string | null;
  params: PromptParams;
  callbackUrl: string | null;
  callbackFormat: CallbackFormat;
  createdAt: Date;
}

/** STANDARD: the Standard Webhooks envelope { type, timestamp, data }. ASTRIA: the prompt JSON itself. */
export type CallbackFormat = "STANDARD" | "ASTRIA";

/** What the prompt's text and fields were parsed into; stored with the prompt and shown on it. */
export interface PromptParams {
  /** Prompt text without its flags; empty when there is no text guidance. */
  cleanText: string;
  numImages: number;
  seed: number;
  steps: number;
  cfgScale: number;
  denoisingStrength: number;
  scheduler: string;
  /** Size and aspect ratio of the image generated from text first (GPU backend). */
  w: number | null;
  h: number | null;
  ar: string | null;
  outpaint: { anchor: string; width: number; height: number; prompt: string | null } | null;
}
