import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { uploadImage } from "../helpers/graphql-client.js";
import { createJob, waitForEnd } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";
import { waitFor } from "../helpers/wait.js";

const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? ([-+0-9.eE]+|NaN|\+Inf)$/;

/** The exposition as a map from series (name and labels, as written) to value. */
function parse(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    assert.match(line, SAMPLE_LINE);
    const space = line.lastIndexOf(" ");
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

async function scrape(server: ServerProcess): Promise<{ text: string; series: Map<string, number>; contentType: string | null }> {
  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  const text = await response.text();
  return { text, series: parse(text), contentType: response.headers.get("content-type") };
}

let server: ServerProcess;
let receiver: WebhookReceiver;
before(async () => {
  // The first delivery fails, the retry succeeds.
  receiver = new WebhookReceiver((index) => (index === 0 ? 500 : 204));
  await receiver.start();
  server = await ServerProcess.start({ JOB_CONCURRENCY: "1", URL_FETCH_ALLOW: "127.0.0.1", WEBHOOK_RETRY_BASE_MS: "200", WEBHOOK_RETRY_MAX_MS: "400" });
});
after(async () => {
  await receiver.stop();
  await server.dispose();
});

test("GET /metrics: Prometheus text with jobs by status, run and step histograms, webhook outcomes and process metrics", async () => {
  const idle = await scrape(server);
  assert.equal(idle.contentType, "text/plain; version=0.0.4; charset=utf-8");
  assert.equal(idle.series.get('outpaint_jobs{status="SUCCEEDED"}'), 0);
  assert.equal(idle.series.get("outpaint_job_queue_wait_seconds_count"), 0);

  const imageId = (await uploadImage(server.url, readFileSync(photo("chelsea.png")), "image/png")).id;
  const job = await createJob(server.graphqlUrl, { image: { id: imageId }, extend: { right: 96, top: 32 }, callbackUrl: receiver.url });
  assert.equal((await waitForEnd(server.graphqlUrl, job.id)).status, "SUCCEEDED");

  // The webhook's first attempt fails; wait for its retry to be delivered.
  let metrics = await scrape(server);
  await waitFor(
    () => `the webhook's delivery:\n${metrics.text}`,
    async () => (metrics = await scrape(server)).series.get('outpaint_webhook_deliveries_total{outcome="delivered"}') === 1,
  );
  const { series, text } = metrics;
  const value = (name: string) => {
    assert.ok(series.has(name), `${name} missing from\n${text}`);
    return series.get(name)!;
  };
  assert.match(text, /^outpaint_jobs\{status="SUCCEEDED"\} 1$/m);
  assert.equal(value('outpaint_jobs{status="QUEUED"}'), 0);
  assert.equal(value('outpaint_jobs{status="RUNNING"}'), 0);
  assert.equal(value("outpaint_queue_depth"), 0);
  assert.equal(value("outpaint_jobs_running_local"), 0);
  assert.match(text, /^outpaint_job_duration_seconds_count\{status="SUCCEEDED"\} 1$/m);
  assert.equal(value('outpaint_job_duration_seconds_bucket{status="SUCCEEDED",le="+Inf"}'), 1);
  assert.ok(value('outpaint_job_duration_seconds_sum{status="SUCCEEDED"}') > 0);
  assert.equal(value("outpaint_job_queue_wait_seconds_count"), 1);
  const infillSteps = value('outpaint_job_step_seconds_count{stage="INFILL"}');
  assert.ok(infillSteps > 0, "INFILL steps were timed");
  assert.equal(value('outpaint_job_step_seconds_bucket{stage="INFILL",le="+Inf"}'), infillSteps);
  assert.ok(value('outpaint_job_step_seconds_count{stage="COMPOSITING"}') > 0, "COMPOSITING steps were timed");
  assert.equal(value('outpaint_webhook_deliveries_total{outcome="retry"}'), 1);
  assert.equal(value('outpaint_webhook_deliveries_total{outcome="failed"}'), 0);
  assert.equal(value("outpaint_webhook_pending"), 0);
  assert.equal(value('outpaint_fill_engine_tasks{state="running"}'), 0);
  assert.equal(value('outpaint_fill_engine_tasks{state="queued"}'), 0);
  assert.equal(value("outpaint_fill_engine_tasks_finished_total"), 1);
  assert.ok(value("process_resident_memory_bytes") > 0);
  assert.ok(value("process_cpu_seconds_total") > 0);
  assert.ok(value("nodejs_eventloop_lag_seconds") >= 0);
  assert.ok(Math.abs(value("process_start_time_seconds") - Date.now() / 1000) < 600);
  for (const name of ["outpaint_jobs", "outpaint_job_duration_seconds", "outpaint_webhook_deliveries_total", "process_cpu_seconds_total"]) {
    assert.match(text, new RegExp(`^# HELP ${name} .+\\n# TYPE ${name} (counter|gauge|histogram)$`, "m"));
  }
});

test("GET /metrics needs no API key, also once keys exist", async () => {
  const created = await server.cli("keys", "create", "--owner", "ops", "--name", "metrics test");
  assert.equal(created.code, 0, created.stderr);
  const graphql = await fetch(server.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ tunes { totalCount } }" }),
  });
  assert.equal(graphql.status, 401, "keys are in force");
  const { series } = await scrape(server);
  assert.equal(series.get('outpaint_jobs{status="SUCCEEDED"}'), 1);
});
