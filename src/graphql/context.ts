import type { Logger } from "pino";
import type { Caller } from "../core/owner.js";
import type { Services } from "../services/services.js";
import { createLoaders, type Loaders } from "./loaders.js";

/** What every resolver receives: the services, per-request batching loaders, and how clients reach us. */
export interface GraphQLContext {
  services: Services;
  /** Who the operation acts for: resolvers pass `caller.owner` to every service call. */
  caller: Caller;
  loaders: Loaders;
  /** Origin for absolute image URLs, e.g. http://127.0.0.1:4000. */
  baseUrl: string;
  logger: Logger;
}

export function createContext(services: Services, caller: Caller, baseUrl: string, logger: Logger): GraphQLContext {
  return { services, caller, loaders: createLoaders(services), baseUrl, logger };
}
