import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

type Handler = (message: string) => void;

/**
 * The optional shared Redis. Without REDIS_URL, `client` is undefined and every feature keeps
 * its state in memory (one instance); `publish` then delivers to local subscribers only, so
 * callers need no second code path for invalidations.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client?: Redis;
  private subscriber?: Redis;
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(config: AppConfig) {
    if (!config.redisUrl) return;
    this.client = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
    this.client.on('error', (err: Error) => this.logger.warn(`redis: ${err.message}`));
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** Publishes to every instance (itself included). */
  async publish(channel: string, message: string): Promise<void> {
    if (!this.client) {
      this.deliver(channel, message);
      return;
    }
    await this.client.publish(channel, message);
  }

  /** Subscribes this instance to a channel; messages from every instance arrive here. */
  async subscribe(channel: string, handler: Handler): Promise<void> {
    const set = this.handlers.get(channel) ?? new Set<Handler>();
    set.add(handler);
    this.handlers.set(channel, set);
    if (!this.client) return;
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate();
      this.subscriber.on('error', (err: Error) => this.logger.warn(`redis subscriber: ${err.message}`));
      this.subscriber.on('message', (ch: string, msg: string) => this.deliver(ch, msg));
    }
    await this.subscriber.subscribe(channel);
  }

  async ping(): Promise<void> {
    if (this.client) await this.client.ping();
  }

  private deliver(channel: string, message: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(message);
      } catch (err) {
        this.logger.error(`handler for ${channel} failed: ${(err as Error).message}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      this.subscriber?.quit().catch(() => undefined),
      this.client?.quit().catch(() => undefined),
    ]);
  }
}
