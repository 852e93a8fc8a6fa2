import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (installed by test/setup/prepare.sh), headless, in a fresh profile, with no network chatter of its own. */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    // No clock of its own: a machine busy enough to take long is no reason to fail.
    timeout: 0,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
