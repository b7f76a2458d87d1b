import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConnectorError, type TriggerState } from '@connectorkit/core';

/**
 * Trigger state (polling positions, cursors) kept in a JSON file, so that a restarted
 * `ck start` resumes where it stopped. Writes go to a temporary file that is then renamed over
 * the old one: a crash leaves the previous state, never half a file. `set` resolves once the
 * value is on disk.
 *
 * @example
 * const state = fileTriggerState('.ck/state/orders.sample.ticks.json');
 * await kit.startTrigger('sample.ticks', {}, { state, handler });
 */
export function fileTriggerState(file: string): TriggerState {
  let values: Record<string, unknown> | undefined;
  let loading: Promise<Record<string, unknown>> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const load = (): Promise<Record<string, unknown>> => {
    if (values !== undefined) return Promise.resolve(values);
    loading ??= readFile(file, 'utf8').then(
      (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          loading = undefined;
          throw new ConnectorError(
            'INVALID_CONFIG',
            `trigger state ${file} is not valid JSON (${(error as Error).message}) — repair it, or delete it to start from the beginning`,
            { cause: error },
          );
        }
        values =
          parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
            ? (parsed as Record<string, unknown>)
            : {};
        return values;
      },
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') {
          loading = undefined;
          throw new ConnectorError('INVALID_CONFIG', `cannot read trigger state ${file}: ${error.message}`, {
            cause: error,
          });
        }
        values = {};
        return values;
      },
    );
    return loading;
  };
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const current = await load();
      return current[key] as T | undefined;
    },
    async set(key: string, value: unknown): Promise<void> {
      const current = await load();
      current[key] = value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
      const text = `${JSON.stringify(current, null, 2)}\n`;
      // One write at a time, in order: the last `set` is what ends up on disk.
      writing = writing
        .catch(() => undefined)
        .then(async () => {
          await mkdir(dirname(file), { recursive: true });
          const temporary = `${file}.${process.pid}.tmp`;
          await writeFile(temporary, text);
          await rename(temporary, file);
        });
      await writing;
    },
  };
}

/** The state file of one trigger binding of a flow: `<folder>/<flow>.<trigger>[.<n>].json`. */
export function triggerStateFile(folder: string, flow: string, trigger: string, index = 0): string {
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9_.-]/g, '_');
  return join(folder, `${safe(flow)}.${safe(trigger)}${index === 0 ? '' : `.${index}`}.json`);
}
