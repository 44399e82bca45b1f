import fs from 'node:fs';

/**
 * Writes files in the background (libuv thread pool) while the caller keeps computing the next tiles, with at most
 * `limit` writes in flight. Call {@link WriteQueue.flush} before relying on the files; the first failure is thrown
 * there (or by the next `write`) with the file's path.
 */
export class WriteQueue {
  private readonly pending: Promise<void>[] = [];
  private failure: Error | undefined;

  constructor(private readonly limit = 32) {}

  /** Queues a file write; waits first if `limit` writes are already in flight. */
  async write(file: string, data: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const p = fs.promises.writeFile(file, data).catch((e: unknown) => {
      this.failure ??= new Error(`writing ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    this.pending.push(p);
    if (this.pending.length >= this.limit) await this.pending.shift();
  }

  /** Waits for every queued write; throws the first failure. */
  async flush(): Promise<void> {
    await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure;
  }
}
