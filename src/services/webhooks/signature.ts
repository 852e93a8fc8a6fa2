import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Standard Webhooks (standardwebhooks.com): the signature is HMAC-SHA256 over
// "<webhook-id>.<webhook-timestamp>.<body>" with the secret's bytes, base64, sent as
// `webhook-signature: v1,<signature>`. Secrets are "whsec_" followed by base64 bytes.

const PREFIX = "whsec_";

export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

export function isSecret(value: string): boolean {
  return value.startsWith(PREFIX) && Buffer.from(value.slice(PREFIX.length), "base64").length >= 16;
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(PREFIX.length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/** True when one of the space-separated signatures in `header` is ours for this message. */
export function verify(secret: string, id: string, timestampSeconds: number, body: string, header: string): boolean {
  const expected = Buffer.from(sign(secret, id, timestampSeconds, body));
  return header.split(" ").some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
