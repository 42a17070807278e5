// The scale curves of the benchmark report (issue #9 item 2): throughput vs batch size, shards and handler
// duration; memory and CPU of idle shards and idle mappings. Each row's `x` is the curve's x value.
import type { Scenario } from '../lib/types.js';
import { batchSizeScenario } from './batch-size.js';
import { handlerMsScenario } from './handler-ms.js';
import { idleMappingsScenario } from './idle-mappings.js';
import { idleShardsScenario } from './idle-shards.js';
import { processesScenario } from './processes.js';
import { shardsScenario } from './shards.js';

export const scaleScenarios: Scenario[] = [
  batchSizeScenario,
  shardsScenario,
  handlerMsScenario,
  idleShardsScenario,
  idleMappingsScenario,
  processesScenario,
];
