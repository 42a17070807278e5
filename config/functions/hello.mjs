// Example function for the README: a plain Lambda Node.js handler, run by sluice's nodejs runtime.
export const handler = async (event, context) => ({
  hello: event?.name ?? 'world',
  requestId: context.awsRequestId,
});
