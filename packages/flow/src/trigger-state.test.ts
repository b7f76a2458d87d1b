import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileTriggerState, triggerStateFile } from './trigger-state.js';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ck-flow-state-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('fileTriggerState', () => {
  it('starts empty, keeps values on disk and reads them back in a new instance', async () => {
    const file = join(folder, 'nested', 'state.json');
    const state = fileTriggerState(file);
    expect(await state.get('position')).toBeUndefined();
    await state.set('position', 41);
    await state.set('cursor', { id: 'abc', at: [1, 2] });
    await state.set('position', 42);
    expect(await state.get<number>('position')).toBe(42);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      position: 42,
      cursor: { id: 'abc', at: [1, 2] },
    });
    expect(await fileTriggerState(file).get('cursor')).toEqual({ id: 'abc', at: [1, 2] });
    expect(readdirSync(join(folder, 'nested'))).toEqual(['state.json']);
  });

  it('writes concurrent sets in order, the last one winning', async () => {
    const file = join(folder, 'state.json');
    const state = fileTriggerState(file);
    await Promise.all(Array.from({ length: 20 }, (_, index) => state.set('position', index)));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ position: 19 });
  });

  it('reports an unreadable state file as INVALID_CONFIG naming it', async () => {
    const file = join(folder, 'state.json');
    writeFileSync(file, '{ not json');
    await expect(fileTriggerState(file).get('position')).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(
        /is not valid JSON .* — repair it, or delete it to start from the beginning$/,
      ),
    });
    const folderAsFile = fileTriggerState(folder);
    await expect(folderAsFile.get('position')).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining(`cannot read trigger state ${folder}`),
    });
  });

  it('names state files after the flow and the trigger binding', () => {
    expect(triggerStateFile('/s', 'orders', 'sample.ticks')).toBe('/s/orders.sample.ticks.json');
    expect(triggerStateFile('/s', 'a/b c', 'kafka.message', 2)).toBe('/s/a_b_c.kafka.message.2.json');
  });
});
