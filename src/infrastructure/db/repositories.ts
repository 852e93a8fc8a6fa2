import { ApiKeyRepository } from "./api-key.repository.js";
import type { Client, DatabaseKind } from "./client.js";
import { IdempotencyRepository } from "./idempotency.repository.js";
import { ImageRepository } from "./image.repository.js";
import { JobRepository } from "./job.repository.js";
import { PromptRepository } from "./prompt.repository.js";
import { RetentionRepository } from "./retention.repository.js";
import { SettingRepository } from "./setting.repository.js";
import { TuneRepository } from "./tune.repository.js";
import { WebhookRepository } from "./webhook.repository.js";

export class Repositories {
  readonly apiKeys: ApiKeyRepository;
  readonly tunes: TuneRepository;
  readonly images: ImageRepository;
  readonly prompts: PromptRepository;
  readonly jobs: JobRepository;
  readonly idempotency: IdempotencyRepository;
  readonly webhooks: WebhookRepository;
  readonly settings: SettingRepository;
  readonly retention: RetentionRepository;

  constructor(client: Client, kind: DatabaseKind) {
    this.apiKeys = new ApiKeyRepository(client);
    this.tunes = new TuneRepository(client);
    this.images = new ImageRepository(client, kind);
    this.prompts = new PromptRepository(client);
    this.jobs = new JobRepository(client);
    this.idempotency = new IdempotencyRepository(client);
    this.webhooks = new WebhookRepository(client);
    this.settings = new SettingRepository(client);
    this.retention = new RetentionRepository(client);
  }
}
