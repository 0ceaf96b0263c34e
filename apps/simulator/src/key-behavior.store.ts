import type { KeyBehavior } from './simulator.types.js';

interface ActiveBehavior {
  status: number;
  retryAfterSeconds?: number;
  /** Uses left; Infinity when the behavior was set without `times`. */
  remaining: number;
}

/** Per-key canned answers (invalidation, rate limits...) that take precedence over request faults. */
export class KeyBehaviorStore {
  private readonly behaviors = new Map<string, ActiveBehavior>();

  set(key: string, behavior: KeyBehavior | null): void {
    if (behavior === null) {
      this.behaviors.delete(key);
      return;
    }
    const remaining = behavior.times === undefined ? Infinity : Math.max(0, Math.floor(behavior.times));
    if (remaining === 0) {
      this.behaviors.delete(key);
      return;
    }
    this.behaviors.set(key, {
      status: behavior.status,
      retryAfterSeconds: behavior.retryAfterSeconds,
      remaining,
    });
  }

  /** The behavior to apply to this request, consuming one use; null means "answer normally". */
  take(key: string): KeyBehavior | null {
    const active = this.behaviors.get(key);
    if (!active) return null;
    active.remaining -= 1;
    if (active.remaining <= 0) this.behaviors.delete(key);
    return { status: active.status, retryAfterSeconds: active.retryAfterSeconds };
  }

  clear(): void {
    this.behaviors.clear();
  }
}
