import { createHash } from "node:crypto";
import { described, InputError } from "../core/errors.js";
import type { Repositories } from "../infrastructure/db/repositories.js";

/** How long a key protects against duplicates; a key reused later starts a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

export function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new InputError("idempotencyKey", `a string of 1 to ${MAX_KEY_LENGTH} characters`, key);
  }
  return key;
}

/** A stable hash of a request: object keys sorted, so field order does not matter. */
export function requestHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Inside a transaction: the id of the resource an earlier request with this key created, or
 * null when the key is new (or expired). A key reused with a different request is refused.
 */
export async function findIdempotentResult(
  tx: Repositories,
  scopedKey: string,
  hash: string,
  now: Date,
): Promise<string | null> {
  const prior = await tx.idempotency.find(scopedKey);
  if (!prior || now.getTime() - prior.createdAt.getTime() > IDEMPOTENCY_TTL_MS) return null;
  if (prior.requestHash !== hash) {
    throw new InputError(
      "idempotencyKey",
      "the same request as the first one sent with this key",
      described("a different request"),
      "CONFLICT",
    );
  }
  return prior.resourceId;
}
