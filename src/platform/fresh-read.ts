/**
 * Shares one read among the callers waiting for it, without ever giving a caller a value read before it asked.
 * A caller who arrives while a read is under way waits for the next one, which starts when that read ends and
 * serves everyone who arrived meanwhile. So under load there is at most one read running and one waiting, however
 * many requests ask, and each answer is as fresh as a read of its own (a change stored before the call is seen).
 */
export class FreshRead<T> {
  private running: Promise<T> | null = null;
  private next: Promise<T> | null = null;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.running) return this.start();
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  private startNext(): Promise<T> {
    this.next = null;
    return this.start();
  }

  private start(): Promise<T> {
    const reading = this.read();
    this.running = reading;
    const done = () => {
      if (this.running === reading) this.running = null;
    };
    reading.then(done, done);
    return reading;
  }
}
