import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { parseEnv } from "node:util";

// Every setting the server reads, with its default. Values come from the environment; a `.env`
// file in the working directory adds variables the environment does not already set.

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file URL (`file:...`). */
  databaseUrl: string;
  modelsDir: string;
  logLevel: LogLevel;
  production: boolean;
  /** Jobs run at the same time by this process. */
  jobConcurrency: number;
  /** Threads of the native fill engine. */
  fillThreads: number;
  /** Runs a job may start before it is failed (a run interrupted by a crash counts). */
  maxJobAttempts: number;
  maxUploadBytes: number;
  /** Scheme, host and port clients use to reach the server, for image URLs. Default: from the request. */
  publicUrl: string | undefined;
}

export class SettingsError extends Error {
  readonly code = "INVALID_SETTINGS";
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n  ${problems.join("\n  ")}`);
  }
}

type Env = Record<string, string | undefined>;

export function readEnvironment(cwd = process.cwd(), env: Env = process.env): Env {
  const file = resolve(cwd, ".env");
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, "utf8")), ...env };
}

export function loadSettings(env: Env = readEnvironment(), cwd = process.cwd()): Settings {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`Expected an integer between ${min} and ${max} for ${name} but received ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const text = (name: string, fallback: string): string => {
    const raw = env[name];
    return raw === undefined || raw === "" ? fallback : raw;
  };

  const dataDir = resolve(cwd, text("DATA_DIR", "./data"));
  const databaseUrl = text("DATABASE_URL", `file:${resolve(dataDir, "outpaint.db")}`);
  if (!databaseUrl.startsWith("file:")) {
    problems.push(
      `Expected a SQLite URL of the form file:<path> for DATABASE_URL but received ${JSON.stringify(databaseUrl)}`,
    );
  }
  if (env.REDIS_URL) {
    problems.push(
      `Expected REDIS_URL to be unset (this build runs the in-process queue) but received ${JSON.stringify(env.REDIS_URL)}`,
    );
  }
  const logLevel = text("LOG_LEVEL", "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`Expected one of ${LOG_LEVELS.join(", ")} for LOG_LEVEL but received ${JSON.stringify(logLevel)}`);
  }
  const publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, "") : undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+$/.test(publicUrl)) {
    problems.push(`Expected an http(s) origin such as https://outpaint.example.com for PUBLIC_URL but received ${JSON.stringify(env.PUBLIC_URL)}`);
  }
  const cores = availableParallelism();

  const settings: Settings = {
    port: int("PORT", 4000, 0, 65535),
    host: text("HOST", "127.0.0.1"),
    dataDir,
    databaseUrl: resolveSqliteUrl(databaseUrl, cwd),
    modelsDir: resolve(cwd, text("MODELS_DIR", "./models")),
    logLevel,
    production: env.NODE_ENV === "production",
    jobConcurrency: int("JOB_CONCURRENCY", 2, 1, 64),
    fillThreads: int("FILL_THREADS", cores, 1, 256),
    maxJobAttempts: int("MAX_JOB_ATTEMPTS", 3, 1, 100),
    maxUploadBytes: int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    publicUrl,
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

/** Makes a relative SQLite path absolute against the working directory, as users expect. */
function resolveSqliteUrl(url: string, cwd: string): string {
  if (!url.startsWith("file:")) return url;
  const path = url.slice("file:".length);
  return isAbsolute(path) ? url : `file:${resolve(cwd, path)}`;
}
