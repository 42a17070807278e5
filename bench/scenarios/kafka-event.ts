// The Kafka raw loop's Lambda event: the same bytes sluice hands the function for the same fetched messages
// (connectors/kafka/event.ts, spec §4.1: records under "<topic>-<partition>", key and value in base64, headers as
// byte arrays), built the way a hand-tuned consumer would, by string concatenation, so the raw side pays for the
// same output and no more. test/unit/bench/kafka-event.test.ts holds it to the connector's JSON byte for byte.
import type { KafkaMessage } from 'kafkajs';

/** The fields of a kafkajs message the event needs. */
export type EventMessage = Pick<KafkaMessage, 'key' | 'value' | 'timestamp' | 'offset' | 'headers'> & {
  batchContext?: { timestampType?: number };
};

function headersJson(headers: EventMessage['headers']): string {
  if (headers === undefined) return '[]';
  const out: Array<Record<string, number[]>> = [];
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v])
      out.push({ [name]: one === null ? [] : [...(typeof one === 'string' ? Buffer.from(one) : one)] });
  }
  return JSON.stringify(out);
}

/** The self-managed Kafka event of one partition's messages, as UTF-8 bytes. */
export function kafkaEventBytes(
  bootstrapServers: string,
  topic: string,
  partition: number,
  messages: readonly EventMessage[],
): Buffer {
  const t = JSON.stringify(topic);
  const head = `{"topic":${t},"partition":${partition},"offset":`;
  let json = `{"eventSource":"SelfManagedKafka","bootstrapServers":${JSON.stringify(bootstrapServers)},"records":{${JSON.stringify(`${topic}-${partition}`)}:[`;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const type = m.batchContext?.timestampType === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME';
    json += `${i === 0 ? '' : ','}${head}${Number(m.offset)},"timestamp":${Number(m.timestamp)},"timestampType":"${type}"`;
    if (m.key !== null && m.key !== undefined) json += `,"key":"${m.key.toString('base64')}"`;
    json += m.value === null ? ',"value":null' : `,"value":"${m.value.toString('base64')}"`;
    json += `,"headers":${headersJson(m.headers)}}`;
  }
  return Buffer.from(`${json}]}}`);
}
