// A batch handler for the embedded default's mappings. It logs each record and reports records whose
// body or data says {"fail": true} as batch item failures, so the failure paths can be tried by hand.
export const handler = async (event) => {
  const failures = [];
  for (const record of event.Records ?? []) {
    const raw = record.body ?? Buffer.from(record.kinesis?.data ?? '', 'base64').toString('utf8');
    const id = record.messageId ?? record.kinesis?.sequenceNumber;
    let parsed;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = raw;
    }
    console.log(JSON.stringify({ handled: id, source: record.eventSource, payload: parsed }));
    if (parsed && typeof parsed === 'object' && parsed.fail === true) failures.push({ itemIdentifier: id });
  }
  return { batchItemFailures: failures };
};
