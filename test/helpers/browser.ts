import { chromium, type Page } from "playwright-core";

/** Debian's Chromium (installed by test/setup/prepare.sh), headless, in a fresh profile, with no network chatter of its own. */
export async function launchChromium(): Promise<{ newPage: () => Promise<Page>; close: () => Promise<void> }> {
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
    /** A page whose waits are for conditions: the test runner's own timeout is the only clock. */
    newPage: async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(0);
      return page;
    },
    close: () => browser.close(),
  };
}
