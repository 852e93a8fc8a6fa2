import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDatabase, dropPostgresDatabase, onPostgres } from "./database.js";
import { CLI, ROOT } from "./paths.js";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/**
 * A real server process (`outpaint serve`, or `outpaint worker`) on a free loopback port with its
 * own data directory and database (a SQLite file in it, or a PostgreSQL database of its own
 * under TEST_DATABASE=postgresql). Its JSON log lines are kept for assertions.
 */
export class ServerProcess {
  readonly logs: LogLine[] = [];
  url = "";
  #child: ChildProcess | null = null;
  #exited: Promise<number | null> = Promise.resolve(null);

  #ownsDatabase = false;

  private constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
    private readonly command: "serve" | "worker",
  ) {}

  static async start(env: Record<string, string> = {}, dataDir?: string, command: "serve" | "worker" = "serve"): Promise<ServerProcess> {
    const server = new ServerProcess(dataDir ?? mkdtempSync(join(tmpdir(), "outpaint-test-")), { ...env }, command);
    if (!server.env.DATABASE_URL && onPostgres) {
      server.env.DATABASE_URL = await createPostgresDatabase();
      server.#ownsDatabase = true;
    }
    try {
      await server.#spawn("0");
    } catch (error) {
      if (server.#ownsDatabase) await dropPostgresDatabase(server.env.DATABASE_URL!);
      throw error;
    }
    return server;
  }

  /** The database this server uses. */
  get databaseUrl(): string {
    return this.env.DATABASE_URL ?? `file:${join(this.dataDir, "outpaint.db")}`;
  }

  get graphqlUrl(): string {
    return `${this.url}/graphql`;
  }

  get wsUrl(): string {
    return `${this.url.replace(/^http/, "ws")}/graphql`;
  }

  get port(): string {
    return new URL(this.url).port;
  }

  /** Log lines of this and earlier runs with the given message. */
  logged(msg: string): LogLine[] {
    return this.logs.filter((line) => line.msg === msg);
  }

  /** Kills the process without letting it clean up, as a crash or OOM kill would. */
  async kill(): Promise<void> {
    this.#child?.kill("SIGKILL");
    await this.#exited;
  }

  /** Graceful stop (SIGTERM); resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.#child?.kill("SIGTERM");
    return this.#exited;
  }

  /** Starts the server again on the same port and data directory. */
  async restart(): Promise<void> {
    await this.#spawn(this.port);
  }

  /** Runs `outpaint <args>` against this server's data directory, as its operator would. */
  cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return runCli(args, { ...this.env, DATA_DIR: this.dataDir });
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.#ownsDatabase) await dropPostgresDatabase(this.env.DATABASE_URL!);
  }

  async #spawn(port: string): Promise<void> {
    const child = spawn(process.execPath, [CLI, this.command], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "info", ...this.env, PORT: port, HOST: "127.0.0.1", DATA_DIR: this.dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let buffered = "";
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const text = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          try {
            const line = JSON.parse(text) as LogLine;
            this.logs.push(line);
            if (line.msg === "listening") resolve(line.url as string);
          } catch {
            // not a log line
          }
        }
      });
      child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}`)));
    });
    this.url = await listening;
  }
}

/** Runs the CLI to its end with `env` added to this process's environment. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}
