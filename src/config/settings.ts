import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { parseEnv } from "node:util";
import type { Backend } from "../core/tune.js";
import { MIN_EXTEND_PER_PASS } from "../core/pass-plan.js";

// Every setting the server reads, with its default. Values come from the environment; a `.env`
// file in the working directory adds variables the environment does not already set.

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** What a process does: the API, the job worker, or both (the embedded default). */
export type Role = "all" | "serve" | "worker";
export const ROLES: readonly Role[] = ["all", "serve", "worker"];

export interface Settings {
  role: Role;
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file URL (`file:...`) or PostgreSQL URL (`postgresql://...`). */
  databaseUrl: string;
  /** Connections this process keeps to PostgreSQL. */
  databasePoolSize: number;
  /** Redis for the distributed job queue and cross-process events; unset: the in-process queue. */
  redisUrl: string | undefined;
  /** Prefix of this deployment's Redis keys and channels, so deployments can share a Redis. */
  queuePrefix: string;
  /** How long a worker may go without renewing a job's lock before the job is given to another. */
  queueLockMs: number;
  modelsDir: string;
  logLevel: LogLevel;
  production: boolean;
  /** Whether GraphQL introspection (GraphiQL's docs, codegen) is answered. */
  introspection: boolean;
  /** Requests per minute one API key may make (a token bucket of that size); 0: no limit. */
  rateLimitPerMinute: number;
  /** Requests one API key may have in flight at once; 0: no limit. */
  maxConcurrentRequests: number;
  /** Queued and running jobs one owner may have; 0: no limit. */
  maxActiveJobsPerOwner: number;
  /** Jobs run at the same time by this process. */
  jobConcurrency: number;
  /** Threads of the native fill engine. */
  fillThreads: number;
  /** Runs a job may start before it is failed (a run interrupted by a crash counts). */
  maxJobAttempts: number;
  maxUploadBytes: number;
  /** Scheme, host and port clients use to reach the server, for image URLs. Default: from the request. */
  publicUrl: string | undefined;
  /** Standard Webhooks signing secret (whsec_...); generated and kept in the database when unset. */
  webhookSecret: string | undefined;
  webhookTimeoutMs: number;
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  /** How long ended jobs, their prompts and images are kept; 0 keeps them forever. */
  retentionMs: number;
  urlFetchTimeoutMs: number;
  /** Hosts or CIDR ranges image URLs may point to although they are not public. */
  urlFetchAllow: string[];
  /** The most one outpaint pass may add to any side, per backend; larger extensions run in passes. 0: no limit. */
  maxExtendPerPass: Record<Backend, number>;
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
  if (!/^(file:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    problems.push(
      `Expected file:<path> (SQLite) or postgresql://user:password@host:port/database for DATABASE_URL but received ${JSON.stringify(redactUrl(databaseUrl))}`,
    );
  }
  const publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, "") : undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+$/.test(publicUrl)) {
    problems.push(`Expected an http(s) origin such as https://outpaint.example.com for PUBLIC_URL but received ${JSON.stringify(env.PUBLIC_URL)}`);
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/.+$/.test(redisUrl)) {
    problems.push(`Expected redis://[user:password@]host:port[/db] or rediss://... for REDIS_URL but received ${JSON.stringify(redactUrl(redisUrl))}`);
  }
  const queuePrefix = text("QUEUE_PREFIX", "outpaint");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(queuePrefix)) {
    problems.push(`Expected 1 to 64 letters, digits, _ or - for QUEUE_PREFIX but received ${JSON.stringify(queuePrefix)}`);
  }
  const role = text("ROLE", "all") as Role;
  if (role === "worker" && publicUrl === undefined) {
    problems.push("Expected PUBLIC_URL (the origin clients reach the API at, for image URLs in webhooks) for ROLE worker but received nothing");
  }
  if (!ROLES.includes(role)) {
    problems.push(`Expected one of ${ROLES.join(", ")} for ROLE but received ${JSON.stringify(role)}`);
  } else if (role !== "all" && redisUrl === undefined) {
    problems.push(
      `Expected REDIS_URL to be set for ROLE ${role} (separate API and worker processes share the queue through Redis) but received nothing`,
    );
  }
  const logLevel = text("LOG_LEVEL", "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`Expected one of ${LOG_LEVELS.join(", ")} for LOG_LEVEL but received ${JSON.stringify(logLevel)}`);
  }
  const cores = availableParallelism();
  const webhookSecret = env.WEBHOOK_SECRET || undefined;
  if (webhookSecret !== undefined && !/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/.test(webhookSecret)) {
    problems.push("Expected a Standard Webhooks secret (whsec_ followed by base64 of at least 16 bytes) for WEBHOOK_SECRET but received another value");
  }
  const passLimit = (name: string, fallback: number): number => {
    const value = int(name, fallback, 0, 8192);
    if (value !== 0 && value < MIN_EXTEND_PER_PASS) {
      problems.push(`Expected 0 (no limit) or an integer between ${MIN_EXTEND_PER_PASS} and 8192 for ${name} but received ${JSON.stringify(env[name])}`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    problems.push(`Expected true, false, 1 or 0 for ${name} but received ${JSON.stringify(raw)}`);
    return fallback;
  };
  const duration = (name: string, fallback: string): number => {
    const raw = text(name, fallback);
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw);
    if (!match) {
      problems.push(`Expected a duration such as 30d, 12h, 90s or 0 for ${name} but received ${JSON.stringify(raw)}`);
      return 0;
    }
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? "ms"]!;
    return Math.round(Number(match[1]) * unit);
  };

  const settings: Settings = {
    role,
    databasePoolSize: int("DATABASE_POOL_SIZE", 10, 1, 1000),
    redisUrl,
    queueLockMs: int("QUEUE_LOCK_MS", 30_000, 1000, 600_000),
    queuePrefix,
    port: int("PORT", 4000, 0, 65535),
    host: text("HOST", "127.0.0.1"),
    dataDir,
    databaseUrl: resolveSqliteUrl(databaseUrl, cwd),
    modelsDir: resolve(cwd, text("MODELS_DIR", "./models")),
    logLevel,
    production: env.NODE_ENV === "production",
    introspection: bool("GRAPHQL_INTROSPECTION", env.NODE_ENV !== "production"),
    rateLimitPerMinute: int("RATE_LIMIT_PER_MINUTE", 600, 0, 1_000_000),
    maxConcurrentRequests: int("MAX_CONCURRENT_REQUESTS", 16, 0, 10_000),
    maxActiveJobsPerOwner: int("MAX_ACTIVE_JOBS_PER_OWNER", 200, 0, 1_000_000),
    jobConcurrency: int("JOB_CONCURRENCY", 2, 1, 64),
    fillThreads: int("FILL_THREADS", cores, 1, 256),
    maxJobAttempts: int("MAX_JOB_ATTEMPTS", 3, 1, 100),
    maxUploadBytes: int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    publicUrl,
    webhookSecret,
    webhookTimeoutMs: int("WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000),
    webhookMaxAttempts: int("WEBHOOK_MAX_ATTEMPTS", 12, 1, 100),
    webhookRetryBaseMs: int("WEBHOOK_RETRY_BASE_MS", 10_000, 10, 86_400_000),
    webhookRetryMaxMs: int("WEBHOOK_RETRY_MAX_MS", 6 * 3_600_000, 10, 7 * 86_400_000),
    retentionMs: duration("RETENTION", "30d"),
    urlFetchTimeoutMs: int("URL_FETCH_TIMEOUT_MS", 15_000, 100, 300_000),
    urlFetchAllow: (env.URL_FETCH_ALLOW ?? "").split(",").map((entry) => entry.trim()).filter(Boolean),
    maxExtendPerPass: {
      FLUX_FILL_TRT: passLimit("MAX_EXTEND_PER_PASS", 512),
      CPU_FILL: passLimit("CPU_MAX_EXTEND_PER_PASS", 0),
    },
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

/** The URL with its password replaced, for messages and logs. */
function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

/** Makes a relative SQLite path absolute against the working directory, as users expect. */
function resolveSqliteUrl(url: string, cwd: string): string {
  if (!url.startsWith("file:")) return url;
  const path = url.slice("file:".length);
  return isAbsolute(path) ? url : `file:${resolve(cwd, path)}`;
}
