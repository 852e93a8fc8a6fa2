import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";
import { WEB_ASSETS_DIR } from "../../core/paths.js";

const PLAYGROUND_DIR = join(WEB_ASSETS_DIR, "playground");

/** The playground page at `/`, bundled from npm packages at build time and served from here. */
export function playgroundRoutes(): Router {
  const router = Router();
  if (!existsSync(join(PLAYGROUND_DIR, "index.html"))) {
    throw new Error(`The playground is not built (no ${PLAYGROUND_DIR}/index.html); run \`npm run build\``);
  }
  router.use("/playground", express.static(PLAYGROUND_DIR, { index: false, maxAge: "1h" }));
  router.get("/", (_req, res) => {
    res.sendFile(join(PLAYGROUND_DIR, "index.html"));
  });
  return router;
}
