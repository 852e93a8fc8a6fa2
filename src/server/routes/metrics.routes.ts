import { Router } from "express";
import { TEXT_CONTENT_TYPE } from "../../infrastructure/metrics/text-format.js";
import type { Services } from "../../services/services.js";

/** Prometheus scrape endpoint; like /readyz it shows aggregate numbers only, so it needs no key. */
export function metricsRoutes(services: Services): Router {
  const router = Router();
  router.get("/metrics", async (_req, res) => {
    let text: string;
    try {
      text = await services.metrics.render();
    } catch {
      res.status(503).type("text/plain").send("metrics unavailable\n");
      return;
    }
    // Set by hand: res.send() would reorder the content type's parameters.
    res.setHeader("Content-Type", TEXT_CONTENT_TYPE);
    res.setHeader("Cache-Control", "no-store");
    res.end(text);
  });
  return router;
}
