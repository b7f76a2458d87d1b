import { createKit, type TriggerState } from '@connectorkit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_DEMO_TOKEN, ExampleClient } from '../client.js';
import { exampleConnector } from '../connector.js';
import type { ItemEvent } from '../schemas.js';

const openKit = (endpoint: string) =>
  createKit({
    connectors: [exampleConnector],
    connections: { service: { connector: 'example', token: EXAMPLE_DEMO_TOKEN, endpoint } },
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
  it('emits each new item once, oldest first', async () => {
    const endpoint = 'https://created.test';
    const kit = openKit(endpoint);
    kits.push(kit);
    const service = new ExampleClient({ token: EXAMPLE_DEMO_TOKEN, endpoint });
    const received: ItemEvent[] = [];
    const trigger = await kit.startTrigger(
      'example.itemCreated',
      { intervalMs: 10 },
      { handler: async (event) => void received.push(event) },
    );
    await service.createItem('a');
    await service.createItem('b');
    await vi.waitFor(() => expect(received.map((event) => event.item.name)).toEqual(['a', 'b']));
    await trigger.stop();
  });

  it('saves its position only after the handler finished, and resumes from it', async () => {
    const endpoint = 'https://resume.test';
    const service = new ExampleClient({ token: EXAMPLE_DEMO_TOKEN, endpoint });
    await service.createItem('a');
    const state = memoryState();
    let release: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = openKit(endpoint);
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
    await vi.waitFor(() => expect(seen).toEqual(['a']));
    expect(state.values.get('sequence')).toBeUndefined();
    release();
    await vi.waitFor(() => expect(state.values.get('sequence')).toBe(1));
    await running.stop();

    await service.createItem('b');
    const second = openKit(endpoint);
    kits.push(second);
    const resumed: string[] = [];
    const again = await second.startTrigger(
      'example.itemCreated',
      { intervalMs: 10 },
      { state, handler: async (event) => void resumed.push(event.item.name) },
    );
    await vi.waitFor(() => expect(resumed).toEqual(['b']));
    await again.stop();
  });
});
