import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { parseEnv } from "node:util";
import type { Backend } from "../../core/tune.js";
import { MIN_EXTEND_PER_PASS } from "../../core/pass-plan.js";

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
  /** How long a signed image URL works (rounded up to the hour); 0: for ever. */
  imageLinkTtlMs: number;
  /** How often the keys of open WebSockets are checked, to close those of revoked keys. */
  keyCheckIntervalMs: number;
  /** On SIGTERM/SIGINT, how long running jobs may finish before they are handed back to the queue. */
  shutdownGraceMs: number;
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
  const read = new EnvReader(env);
  const settings: Settings = {
    ...processSettings(read, cwd),
    ...limitSettings(read),
    ...webhookSettings(read),
  };
  checkRole(read, settings);
  if (read.problems.length > 0) throw new SettingsError(read.problems);
  return settings;
}

/** What the process is, where it listens and where it keeps its state. */
function processSettings(read: EnvReader, cwd: string) {
  const dataDir = resolve(cwd, read.text("DATA_DIR", "./data"));
  const databaseUrl = read.matching(
    "DATABASE_URL",
    `file:${resolve(dataDir, "outpaint.db")}`,
    /^(file:.+|postgres(ql)?:\/\/.+)$/,
    "file:<path> (SQLite) or postgresql://user:password@host:port/database",
  );
  const publicUrl = read.raw("PUBLIC_URL")?.replace(/\/+$/, "");
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+$/.test(publicUrl)) {
    read.problem(`Expected an http(s) origin such as https://outpaint.example.com for PUBLIC_URL but received ${JSON.stringify(read.raw("PUBLIC_URL"))}`);
  }
  const production = read.raw("NODE_ENV") === "production";
  return {
    role: read.oneOf("ROLE", "all", ROLES),
    port: read.int("PORT", 4000, 0, 65535),
    host: read.text("HOST", "127.0.0.1"),
    dataDir,
    databaseUrl: resolveSqliteUrl(databaseUrl, cwd),
    databasePoolSize: read.int("DATABASE_POOL_SIZE", 10, 1, 1000),
    redisUrl: read.optionalMatching("REDIS_URL", /^rediss?:\/\/.+$/, "redis://[user:password@]host:port[/db] or rediss://..."),
    queuePrefix: read.matching("QUEUE_PREFIX", "outpaint", /^[A-Za-z0-9_-]{1,64}$/, "1 to 64 letters, digits, _ or -"),
    queueLockMs: read.int("QUEUE_LOCK_MS", 30_000, 1000, 600_000),
    modelsDir: resolve(cwd, read.text("MODELS_DIR", "./models")),
    logLevel: read.oneOf("LOG_LEVEL", "info", LOG_LEVELS),
    production,
    introspection: read.bool("GRAPHQL_INTROSPECTION", !production),
    publicUrl,
  };
}

/** How much work is taken on at once, and how large it may be. */
function limitSettings(read: EnvReader) {
  return {
    rateLimitPerMinute: read.int("RATE_LIMIT_PER_MINUTE", 600, 0, 1_000_000),
    maxConcurrentRequests: read.int("MAX_CONCURRENT_REQUESTS", 16, 0, 10_000),
    maxActiveJobsPerOwner: read.int("MAX_ACTIVE_JOBS_PER_OWNER", 200, 0, 1_000_000),
    jobConcurrency: read.int("JOB_CONCURRENCY", 2, 1, 64),
    fillThreads: read.int("FILL_THREADS", availableParallelism(), 1, 256),
    maxJobAttempts: read.int("MAX_JOB_ATTEMPTS", 3, 1, 100),
    maxUploadBytes: read.int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    retentionMs: read.duration("RETENTION", "30d"),
    imageLinkTtlMs: read.duration("IMAGE_URL_TTL", "7d"),
    shutdownGraceMs: read.duration("SHUTDOWN_GRACE", "10s"),
    keyCheckIntervalMs: Math.max(100, read.duration("KEY_REVOCATION_CHECK", "10s")),
    urlFetchTimeoutMs: read.int("URL_FETCH_TIMEOUT_MS", 15_000, 100, 300_000),
    urlFetchAllow: (read.raw("URL_FETCH_ALLOW") ?? "").split(",").map((entry) => entry.trim()).filter(Boolean),
    maxExtendPerPass: {
      FLUX_FILL_TRT: read.passLimit("MAX_EXTEND_PER_PASS", 512),
      CPU_FILL: read.passLimit("CPU_MAX_EXTEND_PER_PASS", 0),
    },
  };
}

function webhookSettings(read: EnvReader) {
  const webhookSecret = read.raw("WEBHOOK_SECRET");
  if (webhookSecret !== undefined && !/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/.test(webhookSecret)) {
    read.problem("Expected a Standard Webhooks secret (whsec_ followed by base64 of at least 16 bytes) for WEBHOOK_SECRET but received another value");
  }
  return {
    webhookSecret,
    webhookTimeoutMs: read.int("WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000),
    webhookMaxAttempts: read.int("WEBHOOK_MAX_ATTEMPTS", 12, 1, 100),
    webhookRetryBaseMs: read.int("WEBHOOK_RETRY_BASE_MS", 10_000, 10, 86_400_000),
    webhookRetryMaxMs: read.int("WEBHOOK_RETRY_MAX_MS", 6 * 3_600_000, 10, 7 * 86_400_000),
  };
}

/** Separate API and worker processes share the queue through Redis; a worker names the API's origin in its URLs. */
function checkRole(read: EnvReader, settings: Settings): void {
  if (settings.role === "worker" && settings.publicUrl === undefined) {
    read.problem("Expected PUBLIC_URL (the origin clients reach the API at, for image URLs in webhooks) for ROLE worker but received nothing");
  }
  if (settings.role !== "all" && ROLES.includes(settings.role) && settings.redisUrl === undefined) {
    read.problem(
      `Expected REDIS_URL to be set for ROLE ${settings.role} (separate API and worker processes share the queue through Redis) but received nothing`,
    );
  }
}

/** Typed values from the environment; every problem is collected, so one start reports them all. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  /** The variable's value; undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === "" ? undefined : value;
  }

  text(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problem(`Expected an integer between ${min} and ${max} for ${name} but received ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    this.problem(`Expected true, false, 1 or 0 for ${name} but received ${JSON.stringify(raw)}`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, values: readonly T[]): T {
    const value = this.text(name, fallback);
    if (!(values as readonly string[]).includes(value)) {
      this.problem(`Expected one of ${values.join(", ")} for ${name} but received ${JSON.stringify(value)}`);
    }
    return value as T;
  }

  /** A value of a given form (`allowed` says which, in words); URLs are shown with their password hidden. */
  matching(name: string, fallback: string, pattern: RegExp, allowed: string): string {
    const value = this.text(name, fallback);
    if (!pattern.test(value)) this.problem(`Expected ${allowed} for ${name} but received ${JSON.stringify(redactUrl(value))}`);
    return value;
  }

  optionalMatching(name: string, pattern: RegExp, allowed: string): string | undefined {
    return this.raw(name) === undefined ? undefined : this.matching(name, "", pattern, allowed);
  }

  duration(name: string, fallback: string): number {
    const raw = this.text(name, fallback);
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw);
    if (!match) {
      this.problem(`Expected a duration such as 30d, 12h, 90s or 0 for ${name} but received ${JSON.stringify(raw)}`);
      return 0;
    }
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? "ms"]!;
    return Math.round(Number(match[1]) * unit);
  }

  /** The most one outpaint pass may add to a side: 0 for no limit, else at least MIN_EXTEND_PER_PASS. */
  passLimit(name: string, fallback: number): number {
    const value = this.int(name, fallback, 0, 8192);
    if (value !== 0 && value < MIN_EXTEND_PER_PASS) {
      this.problem(`Expected 0 (no limit) or an integer between ${MIN_EXTEND_PER_PASS} and 8192 for ${name} but received ${JSON.stringify(this.env[name])}`);
      return fallback;
    }
    return value;
  }
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
