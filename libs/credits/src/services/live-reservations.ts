import { Injectable } from '@nestjs/common';

/** Longest a request may keep its reservation alive; past it the sweeper may release it. */
const MAX_LIVE_MS = 24 * 3_600_000;

/**
 * The reservations this process is still serving. Their expiry is pushed on while they live,
 * so the sweeper only ever releases reservations whose process is gone.
 */
@Injectable()
export class LiveReservations {
  private readonly started = new Map<string, number>();

  add(id: string): void {
    this.started.set(id, Date.now());
  }

  delete(id: string): void {
    this.started.delete(id);
  }

  /** How many reservations this process holds (the pending-reservations gauge). */
  get size(): number {
    return this.started.size;
  }

  /** The ids to renew; forgets any a request left unsettled for longer than a day. */
  ids(now = Date.now()): string[] {
    const ids: string[] = [];
    for (const [id, at] of this.started) {
      if (now - at > MAX_LIVE_MS) this.started.delete(id);
      else ids.push(id);
    }
    return ids;
  }
}
