// Generates the Prisma client into src/db/generated. `prisma generate` needs no schema engine,
// but Prisma's CLI fetches one before it starts unless PRISMA_SCHEMA_ENGINE_BINARY names a
// file; pointing it at any existing file lets generation run offline. Users with network access
// and their own PRISMA_SCHEMA_ENGINE_BINARY are left as they are.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const env = { PRISMA_HIDE_UPDATE_MESSAGE: "1", ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync(process.execPath, [prismaCli, "generate"], { cwd: root, stdio: "inherit", env });
process.exit(result.status ?? 1);
