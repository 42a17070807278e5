// The logger of one mapping: its identity bound once, and its LoggingConfig.SystemLogLevel (MET-9, MET-10) as the
// threshold of sluice's own logs for that mapping only (connector and client logs included, being its children).
import type { CompiledMapping } from '../config/compile.js';
import type { Logger } from '../ports/logger.js';

export function mappingLogger(root: Logger, m: CompiledMapping): Logger {
  const bindings = { mapping: m.uuid, function: m.functionName, source: m.eventSourceArn };
  const level = m.systemLogLevel;
  return level === undefined ? root.child(bindings) : root.child(bindings, { level: level.toLowerCase() });
}
