import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "pino";

type Handler = (message: unknown) => void;

/**
 * Redis publish/subscribe between the processes of one deployment: JSON messages on named
 * channels, each delivered to every process but the one that sent it.
 */
export class RedisChannels {
  /** Tells this process's messages from the others'. */
  readonly node = randomUUID();
  readonly #handlers = new Map<string, Handler>();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    subscriber.on("message", (channel: string, text: string) => this.#receive(channel, text));
  }

  static async connect(url: string, prefix: string, logger: Logger): Promise<RedisChannels> {
    const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    const subscriber = publisher.duplicate();
    for (const client of [publisher, subscriber]) {
      client.on("error", (error: Error) => logger.warn({ err: error }, "Redis connection error; reconnecting"));
      await client.connect();
    }
    return new RedisChannels(publisher, subscriber, prefix, logger);
  }

  async on(channel: string, handler: Handler): Promise<void> {
    this.#handlers.set(`${this.prefix}${channel}`, handler);
    await this.subscriber.subscribe(`${this.prefix}${channel}`);
  }

  /** Sends in order: one connection carries this process's messages. Failures are logged, not thrown. */
  publish(channel: string, message: unknown): void {
    this.publisher
      .publish(`${this.prefix}${channel}`, JSON.stringify({ node: this.node, message }))
      .catch((error: unknown) => this.logger.warn({ err: error, channel }, "could not publish to Redis"));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }

  #receive(channel: string, text: string): void {
    const handler = this.#handlers.get(channel);
    if (!handler) return;
    try {
      const { node, message } = JSON.parse(text) as { node: string; message: unknown };
      if (node !== this.node) handler(message);
    } catch (error) {
      this.logger.warn({ err: error, channel }, "ignored a malformed Redis message");
    }
  }
}
