import { createHmac, randomBytes } from "node:crypto";

// Standard Webhooks (standardwebhooks.com): the signature is HMAC-SHA256 over
// "<webhook-id>.<webhook-timestamp>.<body>" with the secret's bytes, base64, sent as
// `webhook-signature: v1,<signature>`. Secrets are "whsec_" followed by base64 bytes.

const PREFIX = "whsec_";

export function generateSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(PREFIX.length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
}
