import { parseArgs } from "node:util";
import { ApiClient } from "./client/api-client.js";
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionFrom, enumValue } from "./client/connection-options.js";
import { printTable } from "./table.js";
import { UsageError } from "./usage-error.js";

const LIST = `query($status: JobStatus, $first: Int) {
  jobs(status: $status, first: $first) { totalCount nodes { id status stage width height progress { percent } createdAt error { code } } }
}`;
const CANCEL = `mutation($id: ID!) { cancelJob(id: $id) { id status } }`;

interface JobRow {
  id: string;
  status: string;
  stage: string | null;
  width: number;
  height: number;
  progress: { percent: number };
  createdAt: string;
  error: { code: string } | null;
}

export const JOBS_HELP = `Usage: outpaint jobs [--status queued|running|succeeded|failed|cancelled] [--first N] [--json]
${CONNECTION_HELP}
`;

/** `outpaint jobs`: the newest jobs of the key's owner, as a table or JSON. */
export async function jobsCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...CONNECTION_OPTIONS, status: { type: "string" }, first: { type: "string" }, json: { type: "boolean" } },
  });
  const first = values.first === undefined ? 20 : Number(values.first);
  if (!Number.isInteger(first)) throw new UsageError(`Expected an integer for --first but received ${JSON.stringify(values.first)}`);
  const api = new ApiClient(connectionFrom(values));
  const { jobs } = await api.request<{ jobs: { totalCount: number; nodes: JobRow[] } }>(LIST, { status: enumValue(values.status), first });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(jobs.nodes, null, 2)}\n`);
    return;
  }
  const rows = jobs.nodes.map((job) => [
    job.id,
    job.status,
    job.status === "RUNNING" ? `${job.stage ?? ""} ${job.progress.percent.toFixed(0)}%` : (job.error?.code ?? ""),
    `${job.width}x${job.height}`,
    job.createdAt,
  ]);
  printTable(["ID", "STATUS", "PROGRESS", "SIZE", "CREATED"], rows);
  process.stderr.write(`${jobs.nodes.length} of ${jobs.totalCount} jobs\n`);
}

/** `outpaint cancel <id>...`: cancels each job; a running one stops at its next step. */
export async function cancelCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: CONNECTION_OPTIONS, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError("Expected one or more job ids for cancel but received none");
  const api = new ApiClient(connectionFrom(values));
  for (const id of positionals) {
    const { cancelJob } = await api.request<{ cancelJob: { id: string; status: string } }>(CANCEL, { id });
    process.stdout.write(`${cancelJob.id} ${cancelJob.status}\n`);
  }
}
