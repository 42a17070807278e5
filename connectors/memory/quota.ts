// One cap over every memory queue and stream of a broker (limits.memorySources): callers of the HTTP
// routes and destinations could otherwise grow the process without bound (and many names add up).
import { SluiceError } from '../../src/ports/errors.js';

export class MemoryQuota {
  #records = 0;
  #bytes = 0;

  constructor(
    readonly maxRecords = Number.POSITIVE_INFINITY,
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  get records(): number {
    return this.#records;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Counts one record of `bytes`, or throws MemorySourcesFull when it would pass a limit. */
  take(bytes: number): void {
    if (this.#records + 1 > this.maxRecords || this.#bytes + bytes > this.maxBytes)
      throw new SluiceError(
        'MemorySourcesFull',
        `memory sources are full: ${this.#records} records and ${this.#bytes} bytes held, a record of ${bytes} bytes ` +
          `does not fit (limits.memorySources: maxRecords ${this.maxRecords}, maxBytes ${this.maxBytes}); records leave ` +
          'when a queue message is deleted or a stream record passes retention',
      );
    this.#records++;
    this.#bytes += bytes;
  }

  give(bytes: number): void {
    this.#records = Math.max(0, this.#records - 1);
    this.#bytes = Math.max(0, this.#bytes - bytes);
  }
}
