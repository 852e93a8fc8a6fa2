import DataLoader from "dataloader";
import type { ImageRecord } from "../core/image.js";
import type { JobRecord } from "../core/job.js";
import type { PromptRecord } from "../core/prompt.js";
import type { TuneRecord } from "../core/tune.js";
import type { WebhookDeliveryRecord } from "../core/webhook.js";
import type { Services } from "../services/services.js";

/** Per-request batching, so a page of jobs with their images costs one query per kind. */
export interface Loaders {
  image: DataLoader<string, ImageRecord | null>;
  tune: DataLoader<string, TuneRecord | null>;
  prompt: DataLoader<string, PromptRecord | null>;
  jobsByPrompt: DataLoader<string, JobRecord[]>;
  deliveriesByJob: DataLoader<string, WebhookDeliveryRecord[]>;
  deliveriesByPrompt: DataLoader<string, WebhookDeliveryRecord[]>;
  /** Forgets what was loaded: a subscription calls it for each event, whose data must be fresh. */
  clearAll(): void;
}

function byId<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = new Map((await load(ids)).map((item) => [item.id, item]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Loads the items of many owners at once and hands each owner its own, in load order. */
function groupedBy<T>(load: (ids: readonly string[]) => Promise<T[]>, ownerOf: (item: T) => string | null) {
  return new DataLoader<string, T[]>(async (ids) => {
    const items = await load(ids);
    return ids.map((id) => items.filter((item) => ownerOf(item) === id));
  });
}

export function createLoaders(services: Services): Loaders {
  const loaders = {
    image: byId((ids) => services.images.getMany(ids)),
    // Deleted tunes are still loaded here: jobs and prompts keep showing the tune they ran on.
    tune: byId((ids) => services.tunes.getManyIncludingDeleted(ids)),
    prompt: byId((ids) => services.prompts.getMany(ids)),
    jobsByPrompt: groupedBy((ids) => services.jobs.listByPrompt(ids), (job) => job.promptId),
    deliveriesByJob: groupedBy((ids) => services.webhooks.forJobs(ids), (delivery) => delivery.jobId),
    deliveriesByPrompt: groupedBy((ids) => services.webhooks.forPrompts(ids), (delivery) => delivery.promptId),
  };
  return {
    ...loaders,
    clearAll() {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}
