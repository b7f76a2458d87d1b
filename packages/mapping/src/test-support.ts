import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file in test-fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./test-fixtures/${name}`, import.meta.url));
}

export function readFixture(name: string): Promise<string> {
  return readFile(fixturePath(name), 'utf8');
}

/** Runs a function expected to throw and returns what it threw. */
export async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
