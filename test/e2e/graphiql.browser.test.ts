import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "../helpers/browser.js";
import { ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
before(async () => {
  server = await ServerProcess.start();
  chromium = await launchChromium();
});
after(async () => {
  await chromium?.close();
  await server?.dispose();
});

test("GraphiQL loads from the server itself in headless Chromium and runs a query against it", async () => {
  const page = await chromium.newPage();
  const foreignRequests: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith("data:") && !request.url().startsWith("blob:")) {
      foreignRequests.push(request.url());
    }
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  const response = await page.goto(server.graphqlUrl, { waitUntil: "load" });
  assert.equal(response?.status(), 200);
  assert.match(response!.headers()["content-type"] ?? "", /text\/html/);

  // The preloaded example query lists the tunes; run it with the execute button.
  const run = page.locator(".graphiql-execute-button");
  await run.waitFor({ state: "visible" });
  await run.click();
  // Monaco renders spaces as no-break spaces.
  const responseText = `(document.querySelector(".graphiql-response")?.textContent ?? "").replace(/\\u00a0/g, " ")`;
  await page.waitForFunction(`${responseText}.includes("CPU fill (no weights)")`);
  const answer = (await page.evaluate(responseText)) as string;
  assert.match(answer, /"isDefault": true/);
  // Example operations are preloaded as tabs, and the welcome text explains the key header.
  const tabs = (await page.locator(".graphiql-tab").allTextContents()).map((text) => text.trim());
  const expected = ["Tunes", "Outpaint", "FollowJob", "RecentJobs"];
  assert.ok(expected.every((name, index) => tabs[index]?.startsWith(name)), JSON.stringify(tabs));
  const editorText = (await page.evaluate(`(document.querySelector(".graphiql-query-editor")?.textContent ?? "").replace(/\u00a0/g, " ")`)) as string;
  assert.match(editorText, /"Authorization": "Bearer opk_\.\.\."/);
  assert.deepEqual(foreignRequests, [], "everything is served by the server itself");
  assert.deepEqual(errors, []);
});
