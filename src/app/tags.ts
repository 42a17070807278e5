// FN-31: the tags of functions and mappings, kept in this process (not in the state store: lost on restart and
// not shared between instances), keyed by resource ARN.
import type { TagStore } from '../http/routes/tags.js';

export class MemoryTagStore implements TagStore {
  readonly #tags = new Map<string, Record<string, string>>();

  get(arn: string): Record<string, string> {
    return { ...this.#tags.get(arn) };
  }

  set(arn: string, tags: Record<string, string>): void {
    this.#tags.set(arn, { ...this.#tags.get(arn), ...tags });
  }

  remove(arn: string, keys: readonly string[]): void {
    const current = this.#tags.get(arn);
    if (current === undefined) return;
    for (const k of keys) delete current[k];
    if (Object.keys(current).length === 0) this.#tags.delete(arn);
  }

  /** A deleted resource takes its tags with it. */
  drop(arn: string): void {
    this.#tags.delete(arn);
  }
}
