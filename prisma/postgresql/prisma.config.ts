// Prisma CLI configuration for PostgreSQL (paths are relative to this file):
//   DATABASE_URL=postgresql://... npx prisma migrate deploy --config prisma/postgresql/prisma.config.ts
// The server applies these migrations itself at start; this is for operators who use the CLI.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
