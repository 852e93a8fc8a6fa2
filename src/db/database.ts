import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { MIGRATIONS_DIR } from "../core/paths.js";
import { PrismaClient } from "./generated/client.js";
import { applyMigrations, type MigrationReport } from "./migrate.js";
import { Repositories, type Client } from "./repositories.js";

/** The one database handle of a process: migrated at open, closed explicitly. */
export class Database extends Repositories {
  readonly migrations: MigrationReport;
  readonly #prisma: PrismaClient;

  private constructor(prisma: PrismaClient, migrations: MigrationReport) {
    super(prisma);
    this.#prisma = prisma;
    this.migrations = migrations;
  }

  /** Opens a SQLite database (`file:<path>`), creating it and applying pending migrations first. */
  static async open(databaseUrl: string): Promise<Database> {
    const file = databaseUrl.slice("file:".length);
    mkdirSync(dirname(file), { recursive: true });
    const migrations = applyMigrations(file, MIGRATIONS_DIR);
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 10_000 }) });
    // FULL makes each commit durable across power loss, not only across process crashes.
    await prisma.$queryRawUnsafe("PRAGMA synchronous = FULL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
    return new Database(prisma, migrations);
  }

  /** Runs `work` in one transaction; the repositories it receives write inside it. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.#prisma.$transaction((client) => work(new Repositories(client as Client)));
  }

  async close(): Promise<void> {
    await this.#prisma.$disconnect();
  }
}
