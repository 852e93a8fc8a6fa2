import type { Prisma } from "./generated/client.js";
import { IdempotencyRepository } from "./idempotency.repository.js";
import { ImageRepository } from "./image.repository.js";
import { JobRepository } from "./job.repository.js";
import { PromptRepository } from "./prompt.repository.js";
import { TuneRepository } from "./tune.repository.js";

/** The client or an open transaction: both have the same model API. */
export type Client = Prisma.TransactionClient;

export class Repositories {
  readonly tunes: TuneRepository;
  readonly images: ImageRepository;
  readonly prompts: PromptRepository;
  readonly jobs: JobRepository;
  readonly idempotency: IdempotencyRepository;

  constructor(client: Client) {
    this.tunes = new TuneRepository(client);
    this.images = new ImageRepository(client);
    this.prompts = new PromptRepository(client);
    this.jobs = new JobRepository(client);
    this.idempotency = new IdempotencyRepository(client);
  }
}
