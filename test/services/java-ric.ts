// The official Java runtime interface client (RT-19) from Maven Central into the cache, and the Java conformance
// handler (test/fixtures/runtimes/java) compiled against it, keyed by the source's hash. Needs a JDK (javac) and mvn.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { installOnce } from './install-once.js';
import { ensureMavenLib } from './maven.js';
import { cacheDir } from './paths.js';

const run = promisify(execFile);
export const JAVA_RIC_VERSION = '2.10.1';
const SOURCES = ['Handler.java', 'HandlerError.java'].map((f) => path.resolve('test/fixtures/runtimes/java', f));

/** The directory of the client's jars (config `runtimes.java.classpath`). */
export function installJavaRic(): Promise<string> {
  return ensureMavenLib(`java-ric-${JAVA_RIC_VERSION}`, [
    `com.amazonaws:aws-lambda-java-runtime-interface-client:${JAVA_RIC_VERSION}`,
  ]);
}

/** Resolves to the code root holding the compiled handler classes (a java21 function's CodeUri). */
export function buildJavaHandler(): Promise<string> {
  return compileJavaHandler(SOURCES, 'java-conformance');
}

/** Compiles Java handler sources against the client into the cache, keyed by `prefix` and the sources' hash. */
export async function compileJavaHandler(sources: string[], prefix: string): Promise<string> {
  const lib = await installJavaRic();
  const hash = createHash('sha256');
  for (const f of sources) hash.update(readFileSync(f));
  const key = hash.digest('hex').slice(0, 12);
  return installOnce(path.join(cacheDir(), `${prefix}-${key}`), async (out) => {
    await run('javac', ['-cp', `${lib}/*`, '-d', out, ...sources], { timeout: 5 * 60_000 });
  });
}
