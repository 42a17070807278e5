// API-created functions for the memory state store: one process, gone on restart.
import type { FunctionStore, StoredFunction } from '../ports/function-store.js';

export class MemoryFunctionStore implements FunctionStore {
  private readonly functions = new Map<string, string>();
  private readonly code = new Map<string, Buffer>();
  private changes = 0;

  version(): Promise<string> {
    return Promise.resolve(String(this.changes));
  }

  list(): Promise<StoredFunction[]> {
    return Promise.resolve([...this.functions.values()].map((s) => JSON.parse(s) as StoredFunction));
  }

  get(name: string): Promise<StoredFunction | undefined> {
    const s = this.functions.get(name);
    return Promise.resolve(s === undefined ? undefined : (JSON.parse(s) as StoredFunction));
  }

  put(fn: StoredFunction, expected: string | undefined): Promise<boolean> {
    const name = fn.shown.FunctionName;
    const current = this.functions.get(name);
    const revision = current === undefined ? undefined : (JSON.parse(current) as StoredFunction).shown.RevisionId;
    if (revision !== expected) return Promise.resolve(false);
    // Stored as JSON so callers never share objects with the store (as with Redis).
    this.functions.set(name, JSON.stringify(fn));
    this.changes++;
    return Promise.resolve(true);
  }

  delete(name: string): Promise<boolean> {
    const had = this.functions.delete(name);
    for (const k of [...this.code.keys()]) if (k.startsWith(`${name}\u0000`)) this.code.delete(k);
    if (had) this.changes++;
    return Promise.resolve(had);
  }

  putCode(name: string, sha256: string, zip: Buffer): Promise<void> {
    this.code.set(`${name}\u0000${sha256}`, zip);
    return Promise.resolve();
  }

  getCode(name: string, sha256: string): Promise<Buffer | undefined> {
    return Promise.resolve(this.code.get(`${name}\u0000${sha256}`));
  }

  deleteCode(name: string, sha256: string): Promise<void> {
    this.code.delete(`${name}\u0000${sha256}`);
    return Promise.resolve();
  }

  codeBytes(): Promise<number> {
    let total = 0;
    for (const zip of this.code.values()) total += zip.length;
    return Promise.resolve(total);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
