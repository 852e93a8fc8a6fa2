import assert from "node:assert/strict";
import { test } from "node:test";
import { Counter, Gauge, Histogram, Registry } from "../../src/infrastructure/metrics/instruments.js";
import { Metrics } from "../../src/infrastructure/metrics/metrics.js";
import { renderText } from "../../src/infrastructure/metrics/text-format.js";

const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? ([-+0-9.eE]+|NaN|\+Inf)$/;

function render(...instruments: (Counter<string> | Gauge<string> | Histogram<string>)[]): string {
  const registry = new Registry();
  for (const instrument of instruments) registry.add(instrument);
  return renderText(registry.collect());
}

test("a counter with labels: HELP, TYPE, then one line per label set in the order first seen", () => {
  const counter = new Counter<"outcome" | "route">({ name: "test_requests_total", help: "Requests.", labelNames: ["outcome", "route"] });
  counter.inc({ outcome: "ok", route: "/a" });
  counter.inc({ route: "/a", outcome: "ok" }, 2);
  counter.inc({ outcome: "error", route: "/b" });
  assert.equal(
    render(counter),
    [
      "# HELP test_requests_total Requests.",
      "# TYPE test_requests_total counter",
      'test_requests_total{outcome="ok",route="/a"} 3',
      'test_requests_total{outcome="error",route="/b"} 1',
      "",
    ].join("\n"),
  );
  assert.throws(() => counter.inc({ outcome: "ok", route: "/a" }, -1), /cannot go down/);
  assert.throws(() => counter.inc({ outcome: "ok" } as never), /needs the label route/);
});

test("a metric without labels shows its one series from the start; a labelled one only once used", () => {
  const plain = new Gauge({ name: "test_depth", help: "Depth." });
  const labelled = new Gauge<"state">({ name: "test_tasks", help: "Tasks.", labelNames: ["state"] });
  assert.equal(render(plain, labelled), "# HELP test_depth Depth.\n# TYPE test_depth gauge\ntest_depth 0\n# HELP test_tasks Tasks.\n# TYPE test_tasks gauge\n");
  plain.set(-2.5);
  assert.match(render(plain), /^test_depth -2.5$/m);
});

test("a histogram's buckets are cumulative and end with +Inf, followed by _sum and _count", () => {
  const histogram = new Histogram<"stage">({ name: "test_step_seconds", help: "Step time.", labelNames: ["stage"], buckets: [0.1, 0.5, 1] });
  for (const value of [0.05, 0.1, 0.3, 0.7, 4]) histogram.observe(value, { stage: "INFILL" });
  histogram.observe(0.2, { stage: "COMPOSITING" });
  assert.equal(
    render(histogram),
    [
      "# HELP test_step_seconds Step time.",
      "# TYPE test_step_seconds histogram",
      'test_step_seconds_bucket{stage="INFILL",le="0.1"} 2',
      'test_step_seconds_bucket{stage="INFILL",le="0.5"} 3',
      'test_step_seconds_bucket{stage="INFILL",le="1"} 4',
      'test_step_seconds_bucket{stage="INFILL",le="+Inf"} 5',
      "test_step_seconds_sum{stage=\"INFILL\"} 5.15",
      'test_step_seconds_count{stage="INFILL"} 5',
      'test_step_seconds_bucket{stage="COMPOSITING",le="0.1"} 0',
      'test_step_seconds_bucket{stage="COMPOSITING",le="0.5"} 1',
      'test_step_seconds_bucket{stage="COMPOSITING",le="1"} 1',
      'test_step_seconds_bucket{stage="COMPOSITING",le="+Inf"} 1',
      'test_step_seconds_sum{stage="COMPOSITING"} 0.2',
      'test_step_seconds_count{stage="COMPOSITING"} 1',
      "",
    ].join("\n"),
  );
  assert.throws(() => new Histogram({ name: "test_bad", help: "x", buckets: [1, 1] }), /increasing order/);
  assert.throws(() => new Histogram<"le">({ name: "test_bad", help: "x", labelNames: ["le"], buckets: [1] }), /Invalid label name le/);
});

test("label values escape backslash, double quote and line feed; HELP escapes backslash and line feed", () => {
  const gauge = new Gauge<"path">({ name: "test_escaped", help: 'Help with \\ and "quotes"\nand a second line.', labelNames: ["path"] });
  gauge.set(1, { path: 'C:\\dir\\"x"\ny' });
  gauge.set(Infinity, { path: "inf" });
  gauge.set(NaN, { path: "nan" });
  assert.equal(
    render(gauge),
    [
      '# HELP test_escaped Help with \\\\ and "quotes"\\nand a second line.',
      "# TYPE test_escaped gauge",
      'test_escaped{path="C:\\\\dir\\\\\\"x\\"\\ny"} 1',
      'test_escaped{path="inf"} +Inf',
      'test_escaped{path="nan"} NaN',
      "",
    ].join("\n"),
  );
});

test("names are checked and a name is registered once", () => {
  assert.throws(() => new Counter({ name: "9lives", help: "x" }), /Invalid metric name/);
  assert.throws(() => new Counter<"a-b">({ name: "ok_total", help: "x", labelNames: ["a-b"] }), /Invalid label name/);
  const registry = new Registry();
  registry.add(new Counter({ name: "test_total", help: "x" }));
  assert.throws(() => registry.add(new Gauge({ name: "test_total", help: "y" })), /registered twice/);
});

test("the server's metrics read their state at scrape time and every line parses", async () => {
  const metrics = new Metrics();
  try {
    metrics.readStateFrom({
      jobsByStatus: async () => ({ QUEUED: 4, RUNNING: 1, SUCCEEDED: 7, FAILED: 0, CANCELLED: 2 }),
      pendingWebhooks: async () => 3,
      runningLocal: () => 1,
      engine: () => ({ queued: 0, running: 1, finished: 9 }),
    });
    const createdAt = new Date(1_000_000);
    const startedAt = new Date(1_001_500);
    const job = { createdAt, startedAt, finishedAt: new Date(1_004_000), status: "SUCCEEDED" } as Parameters<Metrics["runEnded"]>[0];
    metrics.runStarted(job);
    metrics.runEnded(job);
    metrics.stepTook("INFILL", 0.003);
    metrics.webhookAttempt("retry");
    const text = await metrics.render();
    for (const line of text.trimEnd().split("\n")) {
      if (!line.startsWith("#")) assert.match(line, SAMPLE_LINE);
    }
    for (const expected of [
      'outpaint_jobs{status="QUEUED"} 4',
      'outpaint_jobs{status="CANCELLED"} 2',
      "outpaint_queue_depth 4",
      "outpaint_jobs_running_local 1",
      'outpaint_job_duration_seconds_bucket{status="SUCCEEDED",le="2.5"} 1',
      'outpaint_job_duration_seconds_sum{status="SUCCEEDED"} 2.5',
      "outpaint_job_queue_wait_seconds_sum 1.5",
      'outpaint_job_step_seconds_count{stage="INFILL"} 1',
      'outpaint_webhook_deliveries_total{outcome="delivered"} 0',
      'outpaint_webhook_deliveries_total{outcome="retry"} 1',
      "outpaint_webhook_pending 3",
      'outpaint_fill_engine_tasks{state="running"} 1',
      "outpaint_fill_engine_tasks_finished_total 9",
      "# TYPE process_cpu_seconds_total counter",
      "# TYPE nodejs_eventloop_lag_seconds gauge",
    ]) {
      assert.ok(text.split("\n").includes(expected), `missing ${expected} in\n${text}`);
    }
    assert.match(text, /^process_resident_memory_bytes [1-9]\d*$/m);
    assert.match(text, /^process_start_time_seconds \d{10}$/m);
  } finally {
    metrics.close();
  }
});
