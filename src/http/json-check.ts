// Checks that a request body is UTF-8 JSON, as Lambda does (InvalidRequestContentException otherwise).
// Bodies over 256 KB are parsed on a helper thread: JSON.parse of a 6 MB body blocks the event loop for
// tens of ms, and many at once would stall /healthz and every other request.
import { isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { LambdaApiError } from '../ports/errors.js';

const INLINE_BYTES = 256 * 1024;

// Inline source so the same code runs from dist/ and from the TypeScript sources under test.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const decoder = new TextDecoder();
parentPort.on('message', ({ id, bytes }) => {
  let message;
  try { JSON.parse(decoder.decode(bytes)); } catch (err) { message = String(err && err.message); }
  // The bytes go back to the caller, moved again rather than copied.
  parentPort.postMessage({ id, ok: message === undefined, message, bytes }, [bytes.buffer]);
});`;

function notJson(detail?: string): LambdaApiError {
  const message = 'Could not parse request body into json';
  return new LambdaApiError(
    'InvalidRequestContentException',
    400,
    detail === undefined ? message : `${message}: ${detail}`,
  );
}

class JsonChecker {
  private worker: Worker | undefined;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();

  /**
   * Parses `body` on the helper thread and resolves with the same bytes. A body that owns its whole
   * ArrayBuffer is moved there and back (`body` itself is left empty); any other is copied.
   */
  check(body: Buffer): Promise<Buffer> {
    const worker = (this.worker ??= this.start());
    const id = this.next++;
    const movable =
      body.byteOffset === 0 && body.buffer.byteLength === body.length && !(body.buffer instanceof SharedArrayBuffer);
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.length);
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, bytes }, movable ? [body.buffer] : []);
    });
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: { id: number; ok: boolean; message?: string; bytes: Uint8Array }) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.ok) p.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
      else p.reject(notJson(m.message));
    });
    const fail = (err: Error) => {
      // A dead helper fails what it held; the next check starts a new one.
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`JSON check thread exited with ${code}`)));
    return worker;
  }
}

const checker = new JsonChecker();

/**
 * Throws InvalidRequestContentException unless `body` is valid UTF-8 holding one JSON value; resolves with
 * the bytes to use from then on (a large `body` is moved to the helper thread and back, not copied).
 */
export async function checkJsonBody(body: Buffer): Promise<Buffer> {
  if (!isUtf8(body)) throw notJson('the body is not valid UTF-8');
  if (body.length > INLINE_BYTES) return checker.check(body);
  parseJsonBody(body);
  return body;
}

/** Parses a (small) UTF-8 JSON body; an empty body is `{}`, as Lambda treats it. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  if (!isUtf8(body)) throw notJson('the body is not valid UTF-8');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw notJson((err as Error).message);
  }
}
