// D-2: records are split into lanes by a hash of the partition key, so one key always lands in one lane.
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  // FNV-1a 32-bit: stable across processes and restarts.
  let h = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    h ^= partitionKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}
