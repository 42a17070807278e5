// Peak resident set from the kernel (VmHWM in /proc/<pid>/status), not from a timer: a saturated event loop starves
// a sampling timer exactly when memory peaks. Writing 5 to /proc/<pid>/clear_refs resets the high-water mark to the
// current RSS (Linux ≥ 4.0), so each measured side gets its own peak.
import { readFileSync, writeFileSync } from 'node:fs';

/** VmHWM (kB) of a /proc/<pid>/status text; undefined when the line is missing (not Linux). */
export function parseVmHwmKb(status: string): number | undefined {
  const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/** Peak RSS in MB of `pid` (default this process) since start or the last reset; undefined off Linux. */
export function peakRssMb(pid: number | 'self' = 'self'): number | undefined {
  try {
    const kb = parseVmHwmKb(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb === undefined ? undefined : kb / 1024;
  } catch {
    return undefined;
  }
}

/** Resets the peak to the current RSS; false when the kernel refused (then the peak is since process start). */
export function resetPeakRss(pid: number | 'self' = 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
