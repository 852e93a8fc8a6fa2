import express, { Router } from "express";
import type { Logger } from "pino";
import type { Services } from "../../services/services.js";
import type { EmittedFrame } from "../../services/runware/runware.service.js";
import type { RunwareErrorJson } from "../../services/runware/runware-error.js";
import { type RequestGate } from "../auth.js";
import { baseUrlOf } from "../base-url.js";
import { inlineBodyLimit } from "../body-limit.js";
import { admissionRefusal, bearerOf, readTasks } from "../runware-tasks.js";

/**
 * Runware's HTTP API: POST /v1 with a JSON array of tasks, authenticated by the Authorization
 * header or by an authentication task in the array; answers { data } and/or { errors } once every
 * task's answer is complete: 200 when any task succeeded, else the status of the first error.
 */
export function runwareRoutes(services: Services, gate: RequestGate, options: { maxUploadBytes: number; publicUrl: string | undefined }, logger: Logger): Router {
  const router = Router();
  const json = express.json({ limit: inlineBodyLimit(options.maxUploadBytes) });

  router.post("/v1", json, async (req, res) => {
    const read = readTasks(req.body);
    const auth = read.find((item) => "task" in item && item.task.taskType === "authentication");
    const apiKey = auth && "task" in auth && auth.task.taskType === "authentication" ? auth.task.apiKey : null;
    let caller;
    try {
      caller = await gate.admit(req.headers.authorization ?? bearerOf(apiKey), res);
    } catch (error) {
      const refusal = admissionRefusal(error, logger);
      res.status(refusal.httpStatus).json({ errors: [refusal.json] });
      return;
    }
    const origin = baseUrlOf(req, options.publicUrl);
    const data: object[] = [];
    const errors: RunwareErrorJson[] = [];
    let errorStatus: number | undefined;
    const collect = (frame: EmittedFrame) => {
      data.push(...(frame.data ?? []));
      errors.push(...(frame.errors ?? []));
      if (frame.errors?.length) errorStatus ??= frame.httpStatus ?? 400;
    };
    await Promise.all(
      read.map(async (item) => {
        if ("refused" in item) return collect({ errors: [item.refused], httpStatus: item.httpStatus });
        const { task } = item;
        if (task.taskType === "authentication") return undefined;
        if (task.taskType === "ping") return collect({ data: [{ taskType: "ping", pong: true }] });
        return services.runware.run(caller.owner, task, origin, collect);
      }),
    );
    res.status(data.length > 0 || errors.length === 0 ? 200 : (errorStatus ?? 400)).json({
      ...(data.length > 0 || errors.length === 0 ? { data } : {}),
      ...(errors.length > 0 ? { errors } : {}),
    });
  });

  return router;
}
