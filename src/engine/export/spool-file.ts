import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * An append-only temporary text file, written in large batches with backpressure: parts of a
 * package that are known before they can be placed (the Errors sheet's rows and links) wait here
 * instead of in memory.
 */
export class SpoolFile {
  private readonly out: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  /** Whether anything was written. */
  used = false;

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { encoding: 'utf8' });
  }

  async write(text: string): Promise<void> {
    this.used = true;
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= 64 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.pendingChars > 0) await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }

  destroy(): void {
    this.out.destroy();
  }
}
