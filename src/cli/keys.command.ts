import { parseArgs } from "node:util";
import type { ApiKeyRecord } from "../core/api-key.js";
import { loadSettings } from "../infrastructure/config/settings.js";
import { Database } from "../infrastructure/db/database.js";
import { KeyService } from "../services/key.service.js";
import { printTable } from "./table.js";
import { UsageError } from "./usage-error.js";

export const KEYS_HELP = `Usage:
  outpaint keys create --owner <owner> [--name <name>]   prints the new key once
  outpaint keys list [--json]
  outpaint keys revoke <id or prefix>

Once a key exists, every request needs one (Authorization: Bearer <key>). Keys of the owner
"local" see what was made before keys existed.
`;

/** `outpaint keys create|list|revoke`: works on the server's database directly, as its operator. */
export async function keysCommand(args: string[]): Promise<void> {
  const [action = "", ...rest] = args;
  const run = { create, list, revoke }[action];
  if (!run) {
    process.stderr.write(`Expected one of create, list, revoke for keys but received ${JSON.stringify(action)}\n\n${KEYS_HELP}`);
    process.exitCode = 2;
    return;
  }
  const db = await Database.open(loadSettings().databaseUrl);
  try {
    await run(new KeyService(db), rest);
  } finally {
    await db.close();
  }
}

async function create(keys: KeyService, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { owner: { type: "string" }, name: { type: "string" } } });
  if (!values.owner) throw new UsageError("Expected --owner <owner> for keys create but received nothing");
  const { key, record } = await keys.create(values.owner, values.name ?? "default");
  process.stderr.write(`Created key ${record.id} (${record.prefix}…) for owner ${record.owner}. It is shown only now:\n`);
  process.stdout.write(`${key}\n`);
}

async function list(keys: KeyService, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean" } } });
  const all = await keys.list();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    return;
  }
  const rows = all.map((key) => [key.id, key.prefix, key.owner, key.name, state(key), key.lastUsedAt?.toISOString() ?? "never"]);
  printTable(["ID", "PREFIX", "OWNER", "NAME", "STATE", "LAST USED"], rows);
}

async function revoke(keys: KeyService, args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`Expected one key id or prefix for keys revoke but received ${positionals.length}`);
  for (const key of await keys.revoke(positionals[0]!)) {
    process.stdout.write(`Revoked ${key.id} (${key.prefix}…, owner ${key.owner})\n`);
  }
}

function state(key: ApiKeyRecord): string {
  return key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
}
