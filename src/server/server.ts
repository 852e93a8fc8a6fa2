import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Logger } from "pino";
import type { Settings } from "../config/settings.js";
import { buildAppSchema } from "../graphql/schema.js";
import { startServices, type Services } from "../services/services.js";
import { isLoopbackHost } from "./loopback.js";
import { keylessOriginGuard, requireCaller, RequestGate } from "./auth.js";
import { sendGraphQLError } from "./http-errors.js";
import { inlineBodyLimit } from "./body-limit.js";
import { RateLimiter } from "./rate-limiter.js";
import { notFound, requestErrors } from "./fallback-handlers.js";
import { startGraphQLEndpoint } from "./graphql-endpoint.js";
import { astriaRoutes } from "./routes/astria.routes.js";
import { graphiqlRoutes } from "./routes/graphiql.routes.js";
import { healthRoutes } from "./routes/health.routes.js";
import { imageRoutes } from "./routes/images.routes.js";
import { metricsRoutes } from "./routes/metrics.routes.js";
import { playgroundRoutes } from "./routes/playground.routes.js";

export interface RunningServer {
  url: string;
  services: Services;
  /** Graceful: stop accepting, drain GraphQL and WebSockets, let jobs finish for `graceMs`, close. */
  close(graceMs?: number): Promise<void>;
}

const GRAPHQL_PATH = "/graphql";

/** The embedded default: API and worker in one process, on one port. */
export async function startServer(settings: Settings, logger: Logger): Promise<RunningServer> {
  const services = await startServices(settings, logger);
  try {
    await checkExposure(settings.host, services, logger);
  } catch (error) {
    await services.close(0);
    throw error;
  }
  const schema = await buildAppSchema(services.events);
  const app = express();
  app.disable("x-powered-by");
  const httpServer: Server = createServer(app);
  const gate = new RequestGate(
    services.keys,
    new RateLimiter({ perMinute: settings.rateLimitPerMinute, maxConcurrent: settings.maxConcurrentRequests }),
  );
  const graphql = await startGraphQLEndpoint(
    httpServer,
    schema,
    services,
    gate,
    { production: settings.production, introspection: settings.introspection, publicUrl: settings.publicUrl, path: GRAPHQL_PATH },
    logger,
  );

  app.use(keylessOriginGuard(gate, logger));
  app.use(healthRoutes(services));
  app.use(metricsRoutes(services));
  app.use(imageRoutes(services, gate, { maxUploadBytes: settings.maxUploadBytes, publicUrl: settings.publicUrl }, logger));
  app.use(astriaRoutes(services, gate, { maxUploadBytes: settings.maxUploadBytes, publicUrl: settings.publicUrl }, logger));
  app.use(graphiqlRoutes(GRAPHQL_PATH));
  app.use(playgroundRoutes());
  // The key is checked before a body is read: nobody without one makes the server parse megabytes.
  app.use(
    GRAPHQL_PATH,
    requireCaller(gate, logger, sendGraphQLError),
    express.json({ limit: inlineBodyLimit(settings.maxUploadBytes) }),
    graphql.handler,
  );
  app.use(notFound);
  app.use(requestErrors(GRAPHQL_PATH, logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}`;
  await services.startWork(settings.publicUrl ?? url);

  let closing: Promise<void> | null = null;
  return {
    url,
    services,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        await graphql.stop(); // stops HTTP and WebSocket intake, drains both
        await services.close(graceMs);
      })();
      return closing;
    },
  };
}

/** Without API keys the server is open to anyone who reaches it, so it only listens on loopback. */
async function checkExposure(host: string, services: Services, logger: Logger): Promise<void> {
  if (await services.keys.required()) return;
  if (!isLoopbackHost(host)) {
    throw new ExposureError(
      `Refusing to listen on HOST=${host} without API keys: anyone who can reach it could use it. ` +
        "Create a key first (outpaint keys create --owner <name>), or listen on 127.0.0.1.",
    );
  }
  logger.warn({ host }, "no API keys exist: running keyless, on loopback only; every request acts as the owner \"local\"");
}

export class ExposureError extends Error {
  readonly code = "KEYLESS_EXPOSURE";
}
