import { createKit, type Kit, type TriggerState } from '@connectorkit/core';
import { type ODataTestServer, startODataServer } from '@connectorkit/test-odata-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sapOData from '../index.js';

let server: ODataTestServer;

beforeAll(async () => {
  server = await startODataServer();
});

afterAll(async () => {
  await server?.stop();
});

interface ChangeEvent {
  entitySet: string;
  key: Record<string, unknown>;
  timestamp: string;
  entity: Record<string, unknown>;
}

function memoryState(): TriggerState & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: async <T>(key: string) => structuredClone(values.get(key)) as T | undefined,
    set: async (key, value) => {
      values.set(key, structuredClone(value));
    },
  };
}

async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not become true in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(['v4', 'v2'] as const)('changes trigger (%s)', (version) => {
  let kit: Kit<[typeof sapOData]>;
  const base = version === 'v4' ? 7000 : 8000;

  beforeAll(() => {
    kit = createKit({
      connectors: [sapOData],
      connections: {
        sales: {
          connector: 'sap-odata',
          serviceUrl: version === 'v4' ? server.v4 : server.v2,
          auth: { type: 'basic', username: server.user.username, password: server.user.password },
        },
      },
      logger: { level: 'silent' },
    });
  });

  afterAll(async () => {
    await kit?.close();
  });

  /** Starts the trigger again on `state`, and returns what it emits before it falls quiet. */
  async function emittedAfterRestart(
    config: Record<string, unknown>,
    state: TriggerState,
  ): Promise<ChangeEvent[]> {
    const events: ChangeEvent[] = [];
    const trigger = await kit.startTrigger('sap-odata.changes', config, {
      handler: async (event) => void events.push(event),
      state,
    });
    try {
      await eventually(() => events.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return events;
    } finally {
      await trigger.stop();
    }
  }

  /** Changes an order whatever its ETag. */
  const updateOrder = (key: number, data: Record<string, unknown>) =>
    kit.invoke('sap-odata.update', { entitySet: 'Orders', key, data, etag: '*' });

  it('emits every existing entity oldest first from the beginning, across pages', async () => {
    const events: ChangeEvent[] = [];
    const trigger = await kit.startTrigger(
      'sap-odata.changes',
      { entitySet: 'Customers', startFrom: 'beginning', pageSize: 2, intervalMs: 100, select: ['name'] },
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    try {
      await eventually(() => events.length >= 6);
      expect(events.slice(0, 6).map((event) => event.entity.name)).toEqual([
        'Ada Lovelace',
        'Grace Hopper',
        "Tim O'Reilly",
        'Linus Torvalds',
        'Margaret Hamilton',
        'Dwayne "The Rock" Johnson',
      ]);
      expect(events[0]).toMatchObject({
        entitySet: 'Customers',
        key: { ID: '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01' },
        timestamp: '2024-01-01T08:00:00.000Z',
      });
    } finally {
      await trigger.stop();
    }
  });

  it('emits changes made after it started, redelivers a failed one, and resumes from its stored position', async () => {
    const state = memoryState();
    const events: ChangeEvent[] = [];
    let failNext = true;
    const handler = async (event: ChangeEvent): Promise<void> => {
      events.push(event);
      if (event.key.ID === base + 1 && failNext) {
        failNext = false;
        throw new Error('the flow failed once');
      }
    };
    const config = { entitySet: 'Orders', startFrom: 'now', intervalMs: 100 };
    const trigger = await kit.startTrigger('sap-odata.changes', config, { handler, state });
    try {
      await kit.invoke('sap-odata.create', { entitySet: 'Orders', data: { ID: base + 1, status: 'open' } });
      await eventually(() => events.filter((event) => event.key.ID === base + 1).length >= 2);
      // Delivered, refused by the flow, delivered again: at least once, never lost.
      expect(events.map((event) => event.key.ID)).toEqual([base + 1, base + 1]);
      await kit.invoke('sap-odata.create', { entitySet: 'Orders', data: { ID: base + 2, status: 'open' } });
      await eventually(() => events.some((event) => event.key.ID === base + 2));
    } finally {
      await trigger.stop();
    }
    // While stopped, one more change; a restart with the same state picks up only that one.
    await updateOrder(base + 1, { note: 'changed' });
    const resumed = await emittedAfterRestart(config, state);
    expect(resumed.map((event) => [event.key.ID, event.entity.note])).toEqual([[base + 1, 'changed']]);
  });

  it('starts from a given timestamp, with a filter of its own', async () => {
    const events: ChangeEvent[] = [];
    const trigger = await kit.startTrigger(
      'sap-odata.changes',
      {
        entitySet: 'Customers',
        startFrom: '2024-01-04T00:00:00Z',
        filter: { property: 'rating', operator: 'ge', value: 4 },
        intervalMs: 100,
      },
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    try {
      await eventually(() => events.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(events.map((event) => event.entity.name)).toEqual(['Linus Torvalds', 'Margaret Hamilton']);
    } finally {
      await trigger.stop();
    }
    await expect(
      kit.startTrigger(
        'sap-odata.changes',
        { entitySet: 'Customers', startFrom: 'yesterday' },
        { handler: async () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG', path: '$.startFrom' });
  });

  it('follows another timestamp property: its order, its position and its value in the event', async () => {
    // Three orders written in this order, ordered (orderedAt) in another: by orderedAt the
    // second is the oldest. Only this test's orders count (the filter on ID).
    const orderedAt = {
      [base + 3]: '2024-01-10T12:00:00Z',
      [base + 4]: '2023-12-24T18:00:00Z',
      [base + 5]: '2024-02-01T08:30:00Z',
    };
    for (const [id, at] of Object.entries(orderedAt)) {
      await kit.invoke('sap-odata.create', {
        entitySet: 'Orders',
        data: { ID: Number(id), status: 'open', orderedAt: at },
      });
    }
    const state = memoryState();
    const events: ChangeEvent[] = [];
    const handler = async (event: ChangeEvent): Promise<void> => {
      events.push(event);
    };
    const config = {
      entitySet: 'Orders',
      timestampProperty: 'orderedAt',
      startFrom: 'beginning',
      filter: { property: 'ID', operator: 'ge', value: base + 3 },
      intervalMs: 100,
      select: ['status'],
    };
    const trigger = await kit.startTrigger('sap-odata.changes', config, { handler, state });
    try {
      await eventually(() => events.length >= 3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(events.map((event) => event.key.ID)).toEqual([base + 4, base + 3, base + 5]);
      expect(events.map((event) => new Date(event.timestamp).toISOString())).toEqual([
        '2023-12-24T18:00:00.000Z',
        '2024-01-10T12:00:00.000Z',
        '2024-02-01T08:30:00.000Z',
      ]);
      expect(events[0]?.entity).toMatchObject({ status: 'open' });
    } finally {
      await trigger.stop();
    }
    // A change that leaves orderedAt alone is no change by this trigger's clock; one that moves
    // orderedAt past the stored position is.
    await updateOrder(base + 5, { note: 'gift' });
    await updateOrder(base + 4, { orderedAt: '2024-05-01T09:00:00Z' });
    const resumed = await emittedAfterRestart(config, state);
    expect(resumed.map((event) => [event.key.ID, new Date(event.timestamp).toISOString()])).toEqual([
      [base + 4, '2024-05-01T09:00:00.000Z'],
    ]);
  });

  it('refuses a timestamp property that is not a timestamp', async () => {
    await expect(
      kit.startTrigger(
        'sap-odata.changes',
        { entitySet: 'Orders', timestampProperty: 'status' },
        { handler: async () => undefined },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining("'status' is Edm.String"),
    });
  });
});
