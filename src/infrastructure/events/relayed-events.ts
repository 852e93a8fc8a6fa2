import type { JobRecord } from "../../core/job.js";
import type { RedisChannels } from "./redis-channels.js";
import { EventBus } from "./event-bus.js";
import type { Topics } from "./topics.js";

const CHANNEL = "events";

interface Envelope {
  topic: keyof Topics;
  key: string;
  payload: JobRecord;
}

/**
 * The event bus of a deployment with several processes: what one publishes reaches the
 * subscribers of every other through Redis, and its own at once.
 */
export class RelayedEventBus extends EventBus<Topics> {
  private constructor(private readonly channels: RedisChannels) {
    super();
  }

  static async start(channels: RedisChannels): Promise<RelayedEventBus> {
    const bus = new RelayedEventBus(channels);
    await channels.on(CHANNEL, (message) => {
      const { topic, key, payload } = message as Envelope;
      bus.#deliver(topic, key, reviveJob(payload));
    });
    return bus;
  }

  override publish<T extends keyof Topics & string>(topic: T, key: string, payload: Topics[T]): void {
    super.publish(topic, key, payload);
    this.channels.publish(CHANNEL, { topic, key, payload } satisfies Envelope);
  }

  #deliver(topic: keyof Topics, key: string, payload: JobRecord): void {
    super.publish(topic, key, payload);
  }
}

/** A job snapshot as JSON carried it: its dates back as Dates. */
function reviveJob(json: JobRecord): JobRecord {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return { ...json, createdAt: date(json.createdAt)!, startedAt: date(json.startedAt), finishedAt: date(json.finishedAt) };
}
