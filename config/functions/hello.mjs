// The example function of the README: answers a greeting with the request id Lambda's context carries.
export const handler = async (event, context) => ({
  message: `${process.env.GREETING ?? 'hello'}, ${event?.name ?? 'world'}`,
  requestId: context.awsRequestId,
});
