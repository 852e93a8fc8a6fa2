import { InputError } from "../core/errors.js";

// Small checks shared by the request validators. Each throws InputError naming `field`.

export function optionalInt(value: number | null | undefined, field: string, min: number, max: number, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  return int(value, field, min, max);
}

export function int(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(field, `an integer between ${min} and ${max}`, value);
  }
  return value;
}

export function optionalNumber(value: number | null | undefined, field: string, min: number, max: number, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InputError(field, `a number between ${min} and ${max}`, value);
  }
  return value;
}

export function optionalText(value: string | null | undefined, field: string, maxLength: number): string | null {
  if (value === null || value === undefined) return null;
  if (value.length > maxLength) throw new InputError(field, `at most ${maxLength} characters`, value);
  return value;
}

const MAX_URL_LENGTH = 2048;

/** An absolute http(s) URL, as callbacks need. */
export function optionalHttpUrl(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || value.length > MAX_URL_LENGTH) {
    throw new InputError(field, `an absolute http or https URL of at most ${MAX_URL_LENGTH} characters`, value);
  }
  return url.href;
}

export function oneOf<T extends string>(value: string | null | undefined, field: string, allowed: readonly T[], fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new InputError(field, `one of ${allowed.join(", ")}`, value);
  return value as T;
}
