// Generates the Prisma clients into src/infrastructure/db/generated/{sqlite,postgresql}, writing the derived
// PostgreSQL schema first. `prisma generate` needs no schema engine, but Prisma's CLI fetches
// one before it starts unless PRISMA_SCHEMA_ENGINE_BINARY names a file; pointing it at any
// existing file lets generation run offline. Users with network access and their own
// PRISMA_SCHEMA_ENGINE_BINARY are left as they are.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { POSTGRES_SCHEMA, postgresSchemaText, root } from "./prisma-schemas.mjs";

const derived = postgresSchemaText();
if (!existsSync(POSTGRES_SCHEMA) || readFileSync(POSTGRES_SCHEMA, "utf8") !== derived) writeFileSync(POSTGRES_SCHEMA, derived);

const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const env = { PRISMA_HIDE_UPDATE_MESSAGE: "1", ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
for (const config of ["prisma.config.ts", "prisma/postgresql/prisma.config.ts"]) {
  const result = spawnSync(process.execPath, [prismaCli, "generate", "--config", config], { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
