import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium } from "../helpers/browser.js";
import { photo } from "../helpers/paths.js";
import { ServerProcess } from "../helpers/server-process.js";

let server: ServerProcess;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
before(async () => {
  server = await ServerProcess.start({ CPU_MAX_EXTEND_PER_PASS: "128" });
  chromium = await launchChromium();
});
after(async () => {
  await chromium?.close();
  await server?.dispose();
});

test("playground: pick an image, outpaint it, watch progress and previews, compare and download", async () => {
  const page = await chromium.newPage();
  const foreign: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(server.url) && !url.startsWith(server.wsUrl) && !/^(data|blob):/.test(url)) foreign.push(url);
  });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  const response = await page.goto(`${server.url}/`, { waitUntil: "load" });
  assert.equal(response?.status(), 200);
  await page.setInputFiles("#file", photo("chelsea.png"));
  await page.fill("#right", "300");
  await page.fill("#top", "0");
  await page.selectOption("#infill", "PATCHMATCH");

  // Progress text as it goes: the 300 px extension runs in three passes of 100 px (limit 128).
  // Every text the page shows is recorded as it is set (no sampling that a fast pass could slip
  // past), and the wait is for the final text, however long the machine takes.
  await page.evaluate(`(() => {
    const status = document.getElementById("status");
    window.statusTexts = [];
    new MutationObserver(() => window.statusTexts.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  })()`);
  await page.click("#submit");
  await page.waitForFunction(`window.statusTexts.some((text) => text.startsWith("SUCCEEDED") || text.startsWith("FAILED"))`);
  const texts = ((await page.evaluate("window.statusTexts")) as string[]).join("\n");
  assert.match(texts, /RUNNING · INFILL · pass 1\/3/, texts);
  assert.match(texts, /pass 3\/3/, texts);
  assert.match(texts, /^SUCCEEDED · .*100%$/m, texts);

  // The result: shown at its full size, with the original placed for the before/after slider.
  const download = page.locator("#download");
  await download.waitFor({ state: "visible" });
  const href = (await download.getAttribute("href"))!;
  assert.match(href, /\/images\/[^/]+\.png\?exp=\d+&sig=/);
  await page.waitForFunction(`(() => {
    const image = document.getElementById("after");
    return image.complete && image.naturalWidth === 751 && image.src.includes(".png?exp=");
  })()`);
  assert.equal(await page.locator("#slider-label").isVisible(), true);
  await page.fill("#slider", "20");
  assert.equal(await page.evaluate(`document.getElementById("before").style.clipPath`), "inset(0px 80% 0px 0px)");
  const placed = (await page.evaluate(`document.getElementById("before-image").style.width`)) as string;
  assert.ok(Math.abs(parseFloat(placed) - (451 / 751) * 100) < 0.01, placed);
  const file = await page.request.get(href);
  assert.equal(file.status(), 200);
  assert.equal(file.headers()["content-type"], "image/png");

  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, [], "everything is served by the server itself");
});

test("playground: a refused request shows the server's code, field and message", async () => {
  const page = await chromium.newPage();
  await page.goto(`${server.url}/`);
  await page.setInputFiles("#file", photo("chelsea.png"));
  await page.fill("#right", "0");
  await page.click("#submit");
  const error = page.locator("#error");
  await error.waitFor({ state: "visible" });
  assert.equal(await error.textContent(), "BAD_USER_INPUT (extend): Expected at least one side greater than 0 for extend but received 0 on every side");
});
