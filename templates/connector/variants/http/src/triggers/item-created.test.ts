import { createKit, type TriggerState } from '@connectorkit/core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { exampleConnector } from '../connector.js';
import type { ItemEvent } from '../schemas.js';
import { API_TOKEN, startApiServer } from '../test-fixtures/api-server.js';

const server = await startApiServer();
afterAll(() => server.close());

const openKit = () =>
  createKit({
    connectors: [exampleConnector],
    connections: { service: { connector: 'example', baseUrl: server.url, token: API_TOKEN } },
    logger: { level: 'silent' },
  });

const memoryState = (): TriggerState & { values: Map<string, unknown> } => {
  const values = new Map<string, unknown>();
  return {
    values,
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      values.set(key, value);
    },
  };
};

let kits: ReturnType<typeof openKit>[] = [];
afterEach(async () => {
  await Promise.all(kits.map((kit) => kit.close()));
  kits = [];
});

describe('example.itemCreated', () => {
  it('emits each new item once, oldest first, across pages', async () => {
    const kit = openKit();
    kits.push(kit);
    const state = memoryState();
    const received: ItemEvent[] = [];
    for (const name of ['a', 'b', 'c']) server.createItem(name);
    const trigger = await kit.startTrigger(
      'example.itemCreated',
      { intervalMs: 10 },
      { state, handler: async (event) => void received.push(event) },
    );
    await vi.waitFor(() => expect(received.map((event) => event.item.name)).toEqual(['a', 'b', 'c']));
    server.createItem('d');
    await vi.waitFor(() => expect(received).toHaveLength(4));
    await trigger.stop();
    expect(state.values.get('sequence')).toBe(4);
  });

  it('saves its position only after the handler finished, and resumes from it', async () => {
    const state = memoryState();
    await state.set('sequence', 4);
    server.createItem('e');
    let release: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = openKit();
    kits.push(first);
    const seen: string[] = [];
    const running = await first.startTrigger(
      'example.itemCreated',
      { intervalMs: 10 },
      {
        state,
        handler: async (event) => {
          seen.push(event.item.name);
          await handled;
        },
      },
    );
    await vi.waitFor(() => expect(seen).toEqual(['e']));
    expect(state.values.get('sequence')).toBe(4);
    release();
    await vi.waitFor(() => expect(state.values.get('sequence')).toBe(5));
    await running.stop();

    server.createItem('f');
    const second = openKit();
    kits.push(second);
    const resumed: string[] = [];
    const again = await second.startTrigger(
      'example.itemCreated',
      { intervalMs: 10 },
      { state, handler: async (event) => void resumed.push(event.item.name) },
    );
    await vi.waitFor(() => expect(resumed).toEqual(['f']));
    await again.stop();
  });
});
