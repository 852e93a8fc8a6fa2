import { Router } from "express";
import type { Services } from "../../services/services.js";

/** Liveness (the process answers) and readiness (the database answers). */
export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    try {
      const jobs = await services.jobs.countByStatus();
      res.json({ status: "ready", jobs, running: services.runningJobs(), engine: services.engineStats() });
    } catch {
      res.status(503).json({ status: "unavailable" });
    }
  });
  return router;
}
