// prisma/schema.prisma (SQLite) is the one schema people edit. Prisma fixes the provider per
// schema, so the PostgreSQL schema is derived from it: the same models with another provider and
// client output. The derived file is committed for the Prisma CLI (prisma/postgresql/prisma.config.ts)
// and checked to be in step by `npm run db:migration -- --check`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const SQLITE_SCHEMA = `${root}prisma/schema.prisma`;
export const POSTGRES_SCHEMA = `${root}prisma/postgresql/schema.prisma`;

const BANNER = "// Derived from prisma/schema.prisma by `npm run build:prisma`: edit that file, not this one.\n";

export function postgresSchemaText() {
  const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
  const replace = (text, from, to) => {
    if (!text.includes(from)) throw new Error(`prisma/schema.prisma no longer contains ${from}`);
    return text.replace(from, to);
  };
  return (
    BANNER +
    replace(
      replace(sqlite, 'provider = "sqlite"', 'provider = "postgresql"'),
      'output              = "../src/infrastructure/db/generated/sqlite"',
      'output              = "../../src/infrastructure/db/generated/postgresql"',
    )
  );
}
