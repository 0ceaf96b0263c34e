/**
 * Fires once when a response's connection is gone (finished, dropped by the client, or closed with the
 * simulator). A plain callback list: AbortController allocates a DOMException per abort, which showed
 * up in benchmark profiles since every response closes.
 */
export class CloseSignal {
  private listeners: (() => void)[] = [];
  private fired = false;

  get closed(): boolean {
    return this.fired;
  }

  /** Registers a listener; returns a function that unregisters it. */
  onClose(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}
