import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { Counter, Gauge, type Registry } from "./instruments.js";

const LOOP_RESOLUTION_MS = 10;

/** The standard process metrics, read when scraped. */
export class ProcessMetrics {
  readonly #residentMemory: Gauge;
  readonly #cpuSeconds: Counter;
  readonly #loopLag: Gauge;
  readonly #loopLagP99: Gauge;
  readonly #loopDelay: IntervalHistogram;

  constructor(registry: Registry) {
    this.#residentMemory = registry.add(new Gauge({ name: "process_resident_memory_bytes", help: "Resident memory size in bytes." }));
    this.#cpuSeconds = registry.add(new Counter({ name: "process_cpu_seconds_total", help: "User and system CPU time spent in seconds." }));
    this.#loopLag = registry.add(
      new Gauge({ name: "nodejs_eventloop_lag_seconds", help: "Mean event loop lag in seconds since the previous scrape." }),
    );
    this.#loopLagP99 = registry.add(
      new Gauge({ name: "nodejs_eventloop_lag_p99_seconds", help: "99th percentile of event loop lag in seconds since the previous scrape." }),
    );
    const start = registry.add(new Gauge({ name: "process_start_time_seconds", help: "Start time of the process since the Unix epoch in seconds." }));
    start.set(Math.round(Date.now() / 1000 - process.uptime()));
    this.#loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.#loopDelay.enable();
  }

  sample(): void {
    this.#residentMemory.set(process.memoryUsage.rss());
    const { user, system } = process.cpuUsage();
    this.#cpuSeconds.sync((user + system) / 1e6);
    const delay = this.#loopDelay;
    // Each recorded delay includes the sampling interval itself; the lag is what comes on top.
    if (delay.count > 0) {
      this.#loopLag.set(lagSeconds(delay.mean));
      this.#loopLagP99.set(lagSeconds(delay.percentile(99)));
      delay.reset();
    }
  }

  close(): void {
    this.#loopDelay.disable();
  }
}

function lagSeconds(delayNs: number): number {
  return Math.max(0, delayNs / 1e6 - LOOP_RESOLUTION_MS) / 1000;
}
