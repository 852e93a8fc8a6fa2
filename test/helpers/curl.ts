import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** curl, as Astria's documentation calls it; answers the HTTP status and the parsed body. */
export async function curl(args: string[]): Promise<{ status: number; body: any }> {
  const { stdout } = await run("curl", ["-sS", "-w", "\n%{http_code}", ...args]);
  const newline = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(newline + 1)), body: JSON.parse(stdout.slice(0, newline)) };
}
