/** Harness output goes to stderr so it is visible next to vitest's own output and never mixes with JSON on stdout. */
export function say(message: string): void {
  process.stderr.write(`[services] ${message}\n`);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}
