// Makes the README's before/after pictures with the project's own engine (CPU PATCHMATCH, no
// weights) from the scikit-image sample photos the tests fetch (public domain / CC0; credited in
// docs/pictures/CREDITS.md). Run after `npm test` has fetched them: `npm run docs:pictures`.
import { existsSync, mkdirSync } from "node:fs";
import sharp from "sharp";

const root = new URL("..", import.meta.url).pathname;
const { OutpaintEngine } = await import(`${root}dist/src/infrastructure/native/outpaint-engine.js`);
const { presetPlacement, placeByExtension } = await import(`${root}dist/src/core/geometry.js`);

const photos = `${root}.cache/test-assets/photos`;
const out = `${root}docs/pictures`;
if (!existsSync(`${photos}/chelsea.png`)) {
  console.error(`No sample photos in ${photos}: run \`bash test/setup/prepare.sh\` (or npm test) first.`);
  process.exit(1);
}
mkdirSync(out, { recursive: true });

const cases = [
  { name: "chelsea-zoom-out", photo: "chelsea.png", place: (size) => presetPlacement(size, "ZOOM_OUT_1_5X", 1), what: "ZOOM_OUT_1_5X" },
  { name: "coffee-extend-right", photo: "coffee.png", place: (size) => placeByExtension(size, { top: 0, right: 300, bottom: 0, left: 0 }), what: "extend: { right: 300 }" },
  { name: "astronaut-extend-top-left", photo: "astronaut.png", place: (size) => placeByExtension(size, { top: 160, right: 0, bottom: 0, left: 160 }), what: "extend: { top: 160, left: 160 }" },
  { name: "rocket-16-9", photo: "rocket.jpg", place: (size) => presetPlacement(size, "ASPECT_16_9", 1), what: "ASPECT_16_9" },
];

const engine = OutpaintEngine.open({ threads: 2 });
try {
  for (const item of cases) {
    const { data, info } = await sharp(`${photos}/${item.photo}`).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
    const placement = item.place({ width: info.width, height: info.height });
    const started = performance.now();
    const result = await engine.outpaint({
      original: { data, width: info.width, height: info.height, channels: 3 },
      placement,
      infill: "PATCHMATCH",
      blur: 8,
      seed: 1,
    });
    const seconds = (performance.now() - started) / 1000;
    const after = await sharp(result.data, { raw: { width: result.width, height: result.height, channels: result.channels } }).png().toBuffer();
    // Before: the original where it sits on the final canvas, the new area left grey.
    const before = await sharp({ create: { width: placement.canvasWidth, height: placement.canvasHeight, channels: 3, background: "#d0d4d9" } })
      .composite([{ input: await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toBuffer(), left: placement.x, top: placement.y }])
      .png()
      .toBuffer();
    const gap = 16;
    const joined = await sharp({ create: { width: placement.canvasWidth * 2 + gap, height: placement.canvasHeight, channels: 3, background: "#ffffff" } })
      .composite([{ input: before, left: 0, top: 0 }, { input: after, left: placement.canvasWidth + gap, top: 0 }])
      .png()
      .toBuffer();
    const pair = await sharp(joined)
      .resize({ width: Math.min(1200, placement.canvasWidth * 2 + gap) })
      .jpeg({ quality: 84, mozjpeg: true })
      .toFile(`${out}/${item.name}.jpg`);
    console.log(`${item.name}: ${item.what}, ${info.width}x${info.height} -> ${placement.canvasWidth}x${placement.canvasHeight} in ${seconds.toFixed(2)} s (${pair.size} bytes)`);
  }
} finally {
  engine.close();
}
