// Configuration for the Prisma CLI (generate, migrate). The server itself does not read this file:
// it resolves DATABASE_URL from its own settings and applies prisma/migrations at start.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/outpaint.db" },
});
