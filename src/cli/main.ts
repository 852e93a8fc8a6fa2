#!/usr/bin/env node
import "reflect-metadata";
import { createLogger } from "../infrastructure/config/logger.js";
import { loadSettings, readEnvironment, SettingsError, type Role } from "../infrastructure/config/settings.js";
import { AppError } from "../core/errors.js";
import { startServer } from "../server/server.js";
import { readWebhookSecret } from "../services/webhooks/webhook-secret.js";
import { ApiError } from "./client/api-client.js";
import { EXPAND_HELP, expandCommand } from "./expand.command.js";
import { cancelCommand, JOBS_HELP, jobsCommand } from "./jobs.command.js";
import { KEYS_HELP, keysCommand } from "./keys.command.js";
import { UsageError } from "./usage-error.js";

const COMMANDS: Record<string, { summary: string; help?: string; run: (args: string[]) => Promise<void> }> = {
  serve: { summary: "Run the API and the job worker (ROLE=all, the default), or with ROLE=serve the API alone (needs REDIS_URL)", run: () => serve() },
  worker: { summary: "Run a job worker: takes jobs from Redis (REDIS_URL), runs them; its port answers /healthz, /readyz, /metrics", run: () => serve("worker") },
  expand: { summary: "Outpaint an image with live progress: expand photo.jpg --right 512 -o out.png", help: EXPAND_HELP, run: expandCommand },
  jobs: { summary: "List your newest jobs: jobs [--status running] [--json]", help: JOBS_HELP, run: jobsCommand },
  cancel: { summary: "Cancel jobs by id: cancel <id>...", run: cancelCommand },
  keys: { summary: "Create, list and revoke API keys: keys create --owner <owner> | keys list | keys revoke <id>", help: KEYS_HELP, run: keysCommand },
  "webhook-secret": { summary: "Print the secret webhook signatures are made with (to verify them)", run: printWebhookSecret },
};

async function printWebhookSecret(): Promise<void> {
  process.stdout.write(`${await readWebhookSecret(loadSettings())}\n`);
}

async function serve(role?: Role): Promise<void> {
  const env = readEnvironment();
  const settings = loadSettings(role ? { ...env, ROLE: role } : env);
  const logger = createLogger(settings);
  const server = await startServer(settings, logger);
  const endpoints = settings.role === "worker" ? { health: `${server.url}/healthz` } : { graphql: `${server.url}/graphql` };
  logger.info({ url: server.url, role: settings.role, ...endpoints, dataDir: settings.dataDir }, "listening");

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: settings.shutdownGraceMs }, "shutting down: finishing running jobs");
    server.close(settings.shutdownGraceMs).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(16)} ${summary}`);
  return `Usage: outpaint <command>\n\nCommands:\n${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<void> {
  const [name = "", ...args] = argv;
  if (name === "" || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Expected one of ${Object.keys(COMMANDS).join(", ")} for command but received ${JSON.stringify(name)}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (command.help && (args.includes("--help") || args.includes("-h"))) {
    process.stdout.write(command.help);
    return;
  }
  await command.run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || isArgumentError(error)) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (error instanceof ApiError) {
    process.stderr.write(`error: ${error.code}${error.field ? ` (${error.field})` : ""}: ${error.message}\n`);
  } else if (error instanceof SettingsError || error instanceof AppError) {
    process.stderr.write(`${(error as Error).message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});

/** node:util parseArgs refusing an option: its message says which. */
function isArgumentError(error: unknown): boolean {
  return String((error as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS");
}
