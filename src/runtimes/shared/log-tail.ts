// Keeps the last 4 KB of an invocation's log output for `X-Amz-Log-Type: Tail` (ERR-1).

export const TAIL_BYTES = 4096;

export class LogTail {
  private chunks: string[] = [];
  private length = 0;

  push(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    // A character is at least one byte, so keeping TAIL_BYTES characters keeps every byte the tail needs.
    while (this.chunks.length > 1 && this.length - (this.chunks[0]?.length ?? 0) >= TAIL_BYTES) {
      this.length -= this.chunks.shift()?.length ?? 0;
    }
  }

  /** The last 4 KB (bytes) of everything pushed, with `before` and `after` framing lines. */
  tail(before = '', after = ''): string {
    const all = Buffer.from(before + this.chunks.join('') + after, 'utf8');
    return all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('utf8');
  }
}
