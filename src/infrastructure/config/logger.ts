import { pino, type Logger } from "pino";
import type { Settings } from "./settings.js";

/** JSON lines on stdout, one logger per process; children add context such as jobId. */
export function createLogger(settings: Pick<Settings, "logLevel">): Logger {
  return pino({ level: settings.logLevel, base: { pid: process.pid } });
}
