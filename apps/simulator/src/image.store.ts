/** Generated images kept for their `url`; the oldest go first so memory stays bounded. */
export class ImageStore {
  private readonly images = new Map<string, Buffer>();

  constructor(private readonly capacity = 256) {}

  put(id: string, png: Buffer): void {
    this.images.set(id, png);
    if (this.images.size > this.capacity) {
      const oldest = this.images.keys().next().value;
      if (oldest !== undefined) this.images.delete(oldest);
    }
  }

  get(id: string): Buffer | undefined {
    return this.images.get(id);
  }
}
