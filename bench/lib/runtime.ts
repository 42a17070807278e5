// What every scenario hands to sluice's engines: a silent logger, the system clock, and cost bookkeeping per side.
import type { Logger } from '../../src/ports/logger.js';
import { withCost } from './measure.js';
import type { ProcessCost } from './types.js';

export { systemClock } from '../../src/app/clock.js';
export { median } from './stats.js';

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };

export const AWS_REGION = 'us-east-1';
export const AWS_ACCOUNT = '000000000000';
/** Emulators take any key; DynamoDB Local wants letters and digits only. */
/**
 * Fresh test credentials per call: the AWS SDK marks the object it is given ($source), and a connection holding that
 * object is then refused by the connector's strict schema.
 */
export const awsCredentials = (): { accessKeyId: string; secretAccessKey: string } => ({
  accessKeyId: 'x',
  secretAccessKey: 'x',
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Cost of one side summed over several measured runs (rounds alternate sides, so one withCost around the whole
 * scenario would mix them): CPU time over the wall time of that side's runs, and the highest RSS seen.
 */
export class CostMeter {
  private cpuMs = 0;
  private wallMs = 0;
  private peakMb = 0;

  async measure<T>(work: () => Promise<T>): Promise<T> {
    const { value, cost, ms } = await withCost(work);
    this.cpuMs += (cost.cpuPercent / 100) * ms;
    this.wallMs += ms;
    this.peakMb = Math.max(this.peakMb, cost.rssMb);
    return value;
  }

  cost(): ProcessCost | undefined {
    if (this.wallMs === 0) return undefined;
    return { cpuPercent: (this.cpuMs / this.wallMs) * 100, rssMb: this.peakMb };
  }
}
