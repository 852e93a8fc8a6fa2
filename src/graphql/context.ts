import type { Logger } from "pino";
import type { Services } from "../services/services.js";
import { createLoaders, type Loaders } from "./loaders.js";

/** What every resolver receives: the services, per-request batching loaders, and how clients reach us. */
export interface GraphQLContext {
  services: Services;
  loaders: Loaders;
  /** Origin for absolute image URLs, e.g. http://127.0.0.1:4000. */
  baseUrl: string;
  logger: Logger;
}

export function createContext(services: Services, baseUrl: string, logger: Logger): GraphQLContext {
  return { services, loaders: createLoaders(services), baseUrl, logger };
}
