import { fileURLToPath } from "node:url";

/** Repository root (tests run from dist/test/<dir>/). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

/** Real photographs from scikit-image's sample data (see test/README.md), fetched by test/setup/prepare.sh. */
export function photo(name: "chelsea.png" | "coffee.png" | "astronaut.png" | "rocket.jpg"): string {
  return `${ROOT}.cache/test-assets/photos/${name}`;
}
