import { gqlData } from "./graphql-client.js";
import type { ServerProcess } from "./server-process.js";
import { waitFor } from "./wait.js";

export const JOB_FIELDS = `
  id status stage attempts width height
  progress { pass passCount step totalSteps percent etaSeconds }
  passes { number width height top right bottom left }
  preview { id url width height }
  placement { x y width height }
  result { id url width height format bytes }
  error { code message field }
`;

export interface JobView {
  id: string;
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  stage: string | null;
  attempts: number;
  width: number;
  height: number;
  progress: { pass: number; passCount: number; step: number; totalSteps: number; percent: number; etaSeconds: number | null };
  passes: { number: number; width: number; height: number; top: number; right: number; bottom: number; left: number }[];
  preview: { id: string; url: string; width: number; height: number } | null;
  placement: { x: number; y: number; width: number; height: number };
  result: { id: string; url: string; width: number; height: number; format: string; bytes: number } | null;
  error: { code: string; message: string; field: string | null } | null;
}

export const CREATE_JOB = `mutation Create($input: OutpaintInput!, $key: String) {
  createOutpaintJob(input: $input, idempotencyKey: $key) { ${JOB_FIELDS} }
}`;

export const JOB_UPDATED = `subscription Follow($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`;

export async function createJob(graphqlUrl: string, input: Record<string, unknown>, key?: string): Promise<JobView> {
  return (await gqlData<{ createOutpaintJob: JobView }>(graphqlUrl, CREATE_JOB, { input, key })).createOutpaintJob;
}

/** A FLUX.1 Fill tune (runs only where the GPU backend does); its id. */
export async function createFluxTune(graphqlUrl: string): Promise<string> {
  const mutation = `mutation { createTune(input: { title: "FLUX.1 Fill [dev]", backend: FLUX_FILL_TRT }) { id } }`;
  return (await gqlData<{ createTune: { id: string } }>(graphqlUrl, mutation)).createTune.id;
}

export async function getJob(graphqlUrl: string, id: string): Promise<JobView> {
  return (await gqlData<{ job: JobView }>(graphqlUrl, `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id })).job;
}

const ENDED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Polls until the job has ended. */
export async function waitForEnd(graphqlUrl: string, id: string): Promise<JobView> {
  let job: JobView | null = null;
  return waitFor(
    () => `job ${id} to end (it is ${job?.status})`,
    async () => {
      job = await getJob(graphqlUrl, id);
      return ENDED.has(job.status) ? job : null;
    },
    100,
  );
}

/**
 * Waits until none of the owner's jobs is queued or running (one query per poll, however many
 * jobs), then answers the jobs `ids` as they ended.
 */
export async function waitForAllEnded(graphqlUrl: string, ids: readonly string[]): Promise<JobView[]> {
  let left = -1;
  await waitFor(
    () => `every job to end (${left} queued or running)`,
    async () => {
      const counts = await gqlData<{ queued: { totalCount: number }; running: { totalCount: number } }>(
        graphqlUrl,
        "{ queued: jobs(status: QUEUED) { totalCount } running: jobs(status: RUNNING) { totalCount } }",
      );
      left = counts.queued.totalCount + counts.running.totalCount;
      return left === 0;
    },
    250,
  );
  return Promise.all(ids.map((id) => getJob(graphqlUrl, id)));
}

export async function download(url: string): Promise<{ bytes: Buffer; contentType: string | null }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return { bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type") };
}

/**
 * Submits `input` through `graphqlUrl` and, once the job runs, stops `runner` (SIGTERM), until a
 * job is still running when the signal lands and `runner` hands it back to the queue (a job that
 * ended first proves nothing, so `runner` is restarted and another is tried). Returns that job,
 * with `runner` stopped.
 */
export async function handBackARunningJob(runner: ServerProcess, graphqlUrl: string, input: Record<string, unknown>): Promise<JobView> {
  for (;;) {
    const job = await createJob(graphqlUrl, input);
    await waitFor(`job ${job.id} to run`, async () => (await getJob(graphqlUrl, job.id)).status !== "QUEUED");
    const code = await runner.stop();
    if (code !== 0) throw new Error(`SIGTERM ended the process with ${code}, not gracefully`);
    if (runner.logged("job handed back to the queue at shutdown").some((line) => line.jobId === job.id)) return job;
    await runner.restart();
  }
}
