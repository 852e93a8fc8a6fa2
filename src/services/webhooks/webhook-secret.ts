import type { Settings } from "../../infrastructure/config/settings.js";
import { Database } from "../../infrastructure/db/database.js";
import type { Repositories } from "../../infrastructure/db/repositories.js";
import { generateSecret } from "./signature.js";

const KEY = "webhook.secret";

/** WEBHOOK_SECRET when set; otherwise a secret generated on first use and kept in the database. */
export function resolveWebhookSecret(settings: Pick<Settings, "webhookSecret">, db: Repositories): Promise<string> {
  return settings.webhookSecret ? Promise.resolve(settings.webhookSecret) : db.settings.getOrCreate(KEY, generateSecret());
}

/** The secret in effect for a server with these settings, for operators verifying signatures. */
export async function readWebhookSecret(settings: Settings): Promise<string> {
  if (settings.webhookSecret) return settings.webhookSecret;
  const db = await Database.open(settings.databaseUrl);
  try {
    return await resolveWebhookSecret(settings, db);
  } finally {
    await db.close();
  }
}
