import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createJob, waitForEnd } from "../helpers/jobs.js";
import { photo } from "../helpers/paths.js";
import { decode, regionDifferences } from "../helpers/pixels.js";
import { runCli, ServerProcess } from "../helpers/server-process.js";

describe("the outpaint command-line client against a running server", () => {
  let server: ServerProcess;
  let work: string;
  const client = (...args: string[]) => runCli(args, { OUTPAINT_URL: server.url });

  before(async () => {
    server = await ServerProcess.start({ JOB_CONCURRENCY: "1" });
    work = mkdtempSync(join(tmpdir(), "outpaint-cli-"));
  });
  after(async () => {
    await server.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test("expand --right --top: progress on stderr, the result written with the original intact", async () => {
    const out = join(work, "wide.png");
    const run = await client("expand", photo("chelsea.png"), "--right", "96", "--top", "32", "--seed", "3", "-o", out);
    assert.equal(run.code, 0, run.stderr);
    // Not a terminal: a line per stage change and per 10%, ending at 100%.
    assert.match(run.stderr, /queued/);
    assert.match(run.stderr, /RUNNING {2}INFILL/);
    assert.match(run.stderr, /\[#{30}\] {2}100% {2}SUCCEEDED/);
    assert.match(run.stderr, /wrote .*wide\.png \(547x332\)/);
    const result = await decode(readFileSync(out));
    assert.deepEqual([result.width, result.height], [547, 332]);
    assert.equal(regionDifferences(result, await decode(readFileSync(photo("chelsea.png"))), 0, 32), 0);
  });

  test("expand --target with an anchor and --preset in kebab case, JPEG and WebP out", async () => {
    const target = join(work, "target.webp");
    const byTarget = await client("expand", photo("coffee.png"), "--target", "700x500", "--anchor", "top-left", "--infill", "edge", "--format", "webp", "-o", target, "--quiet");
    assert.equal(byTarget.code, 0, byTarget.stderr);
    const targeted = await decode(readFileSync(target));
    assert.deepEqual([targeted.width, targeted.height], [700, 500]);
    assert.equal(regionDifferences(targeted, await decode(readFileSync(photo("coffee.png"))), 0, 0), 0);

    const byPreset = await client("expand", photo("rocket.jpg"), "--preset", "zoom-out-1-5x", "--infill", "color", "--format", "jpg", "-o", join(work, "zoom.jpg"), "--quiet");
    assert.equal(byPreset.code, 0, byPreset.stderr);
    const zoomed = await decode(readFileSync(join(work, "zoom.jpg")));
    assert.deepEqual([zoomed.width, zoomed.height], [960, 641]);
  });

  test("bad flags and bad values: usage errors exit 2, the server's refusals exit 1 naming the field", async () => {
    const noImage = await client("expand", "--right", "64");
    assert.equal(noImage.code, 2);
    assert.match(noImage.stderr, /Expected one image file for expand but received 0/);
    const badTarget = await client("expand", photo("chelsea.png"), "--target", "wide");
    assert.equal(badTarget.code, 2);
    assert.match(badTarget.stderr, /Expected WIDTHxHEIGHT such as 1920x1080 for --target but received "wide"/);
    const unknownFlag = await client("expand", photo("chelsea.png"), "--rigth", "64");
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /--rigth/);
    const refused = await client("expand", photo("chelsea.png"), "--right", "64", "--blur", "500");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error: BAD_USER_INPUT \(blur\): Expected an integer between 0 and 64 for blur but received 500/);
    const unreachable = await runCli(["jobs", "--server", "http://127.0.0.1:9"], {});
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /Cannot reach the server at http:\/\/127\.0\.0\.1:9/);
  });

  test("jobs lists the newest jobs; cancel stops a queued and a running one", async () => {
    const base64 = readFileSync(photo("chelsea.png")).toString("base64");
    // Long enough (PATCHMATCH on 16 megapixels) to still run while the CLI starts.
    const blocker = await createJob(server.graphqlUrl, { image: { base64 }, target: { width: 4000, height: 4000 } });
    const queued = await createJob(server.graphqlUrl, { image: { base64 }, extend: { right: 64 } });
    const cancelled = await client("cancel", queued.id);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(cancelled.stdout.trim(), `${queued.id} CANCELLED`);
    const listed = await client("jobs", "--status", "cancelled", "--json");
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { id: string }[]).map((job) => job.id), [queued.id]);
    const table = await client("jobs");
    assert.match(table.stdout, /^ID +STATUS +PROGRESS +SIZE +CREATED/);
    assert.match(table.stdout, new RegExp(`${blocker.id} +RUNNING`));
    const stopped = await client("cancel", blocker.id);
    assert.equal(stopped.stdout.trim(), `${blocker.id} CANCELLED`, stopped.stderr);
    assert.equal((await waitForEnd(server.graphqlUrl, blocker.id)).status, "CANCELLED");
  });
});
