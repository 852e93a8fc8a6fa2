import type { JobRecord } from "../../core/job.js";
import { EventBus } from "./event-bus.js";

/** Topics keyed by id: `job` carries every snapshot of one job; `prompt` every snapshot of its jobs. */
export type Topics = {
  job: JobRecord;
  prompt: JobRecord;
};

export type AppEvents = EventBus<Topics>;

export function createEvents(): AppEvents {
  return new EventBus<Topics>();
}

/** Publishes a job snapshot to its own topic and to its prompt's. */
export function publishJob(events: AppEvents, job: JobRecord): void {
  events.publish("job", job.id, job);
  if (job.promptId) events.publish("prompt", job.promptId, job);
}
