// The Redis raw loop's Lambda event: the same bytes sluice hands the function for the same entries
// (connectors/redis/event.ts: `{"Records":[…]}` of sluice:redis records, fields as a JSON object, last value of a
// repeated field wins), built the way a hand-tuned consumer would, by string concatenation, so the raw side pays
// for the same output and no more. test/unit/bench/redis-event.test.ts holds it to the connector's bytes.

/** An XREADGROUP entry: id and flat field list. */
export type RawEntry = [string, string[]];

function fieldsJson(flat: readonly string[]): string {
  if (flat.length === 2 && flat[0] !== '__proto__') return `{${JSON.stringify(flat[0])}:${JSON.stringify(flat[1])}}`;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return JSON.stringify(fields);
}

/** The event of one chunk of a stream's entries, as UTF-8 bytes. */
export function redisEventBytes(streamKey: string, region: string, entries: readonly RawEntry[]): Buffer {
  const key = JSON.stringify(streamKey);
  const inner = key.slice(1, -1);
  const head = `{"eventSource":"sluice:redis","eventVersion":"1.0","eventSourceARN":"redis://${inner}","eventID":"${inner}:`;
  const mid = `"awsRegion":${JSON.stringify(region)},"redis":{"streamKey":${key},"id":"`;
  let json = '{"Records":[';
  for (let i = 0; i < entries.length; i++) {
    const [id, flat] = entries[i]!;
    const arrival = Number(id.slice(0, id.indexOf('-')));
    json += `${i === 0 ? '' : ','}${head}${id}",${mid}${id}","fields":${fieldsJson(flat)},"arrivalTimestamp":${arrival}}}`;
  }
  return Buffer.from(`${json}]}`);
}
