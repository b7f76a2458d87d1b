import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKit } from '@connectorkit/core';
import { fileTriggerState, triggerStateFile } from '@connectorkit/flow';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { salesforceConnector } from '../salesforce-connector.js';

// The polling triggers through the kit and jsforce against the Salesforce emulator.

interface RecordEvent {
  sobject: string;
  id: string;
  timestamp: string;
  record: Record<string, unknown>;
}

const T1 = '2026-01-01T08:00:00.000Z';
const T2 = '2026-01-01T09:00:00.000Z';
const T3 = '2026-01-01T10:00:00.000Z';

const seed = {
  records: {
    Account: [
      { Name: 'First', SystemModstamp: T1, CreatedDate: T1 },
      { Name: 'Tie one', SystemModstamp: T2, CreatedDate: T2 },
      { Name: 'Tie two', SystemModstamp: T2, CreatedDate: T2 },
      { Name: 'Tie three', SystemModstamp: T2, CreatedDate: T2 },
      { Name: 'Last', SystemModstamp: T3, CreatedDate: T3 },
    ],
  },
};

let salesforce: Sandbox<EmulatorFor<'salesforce'>>;
let kit: ReturnType<typeof kitFor>;

function kitFor(sandbox: Sandbox<EmulatorFor<'salesforce'>>) {
  return createKit({
    connectors: [salesforceConnector],
    connections: {
      crm: {
        connector: 'salesforce',
        loginUrl: sandbox.credentials.loginUrl,
        auth: {
          type: 'clientCredentials',
          clientId: sandbox.credentials.clientId,
          clientSecret: sandbox.credentials.clientSecret,
        },
      },
    },
    logger: { level: 'silent' },
  });
}

async function eventually(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not become true in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Lets a few more polls happen, to show that nothing else arrives. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 400));

const names = (events: readonly RecordEvent[]): unknown[] => events.map((event) => event.record.Name);

beforeAll(async () => {
  salesforce = await startSandbox('salesforce', { seed });
  kit = kitFor(salesforce);
});

const folder = mkdtempSync(join(tmpdir(), 'ck-salesforce-trigger-'));

afterAll(async () => {
  await kit?.close();
  await salesforce?.close();
  rmSync(folder, { recursive: true, force: true });
});

beforeEach(() => {
  salesforce.reset();
});

describe('changedRecords', { timeout: 60_000 }, () => {
  it('emits every record oldest first, equal timestamps by Id, across pages and two polls', async () => {
    const events: RecordEvent[] = [];
    const trigger = await kit.startTrigger(
      'salesforce.changedRecords',
      {
        sobject: 'Account',
        startFrom: 'beginning',
        pageSize: 2,
        intervalMs: 100,
        overlapMs: 0,
        fields: ['Name', 'Industry'],
      },
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    try {
      await eventually(() => events.length >= 5);
      expect(names(events)).toEqual(['First', 'Tie one', 'Tie two', 'Tie three', 'Last']);
      const ties = events.slice(1, 4).map((event) => event.id);
      expect([...ties].sort()).toEqual(ties);
      expect(events[0]).toMatchObject({ sobject: 'Account', timestamp: T1 });
      // The next poll: a change made now, and nothing else again.
      const changed = salesforce.controls.update(String(events[1]?.id), { Industry: 'Energy' });
      const created = salesforce.controls.create('Account', { Name: 'Newcomer' });
      await eventually(() => events.length >= 7);
      await settle();
      expect(names(events.slice(5))).toEqual(['Tie one', 'Newcomer']);
      expect(events.slice(5).map((event) => event.id)).toEqual([changed.Id, created.Id]);
      expect(events[5]?.record.Industry).toBe('Energy');
    } finally {
      await trigger.stop();
    }
  });

  it('redelivers a record whose flow failed, and skips none after it', async () => {
    const events: RecordEvent[] = [];
    let failures = 0;
    const trigger = await kit.startTrigger(
      'salesforce.changedRecords',
      { sobject: 'Account', startFrom: 'beginning', intervalMs: 100, overlapMs: 0 },
      {
        handler: async (event) => {
          events.push(event);
          if (event.record.Name === 'Tie two' && failures === 0) {
            failures++;
            throw new Error('the flow failed once');
          }
        },
      },
    );
    try {
      await eventually(() => events.filter((event) => event.record.Name === 'Last').length >= 1);
      await settle();
      expect(names(events)).toEqual(['First', 'Tie one', 'Tie two', 'Tie two', 'Tie three', 'Last']);
    } finally {
      await trigger.stop();
    }
  });

  it('resumes from the position the flow engine stored, after a restart', async () => {
    // The flow engine's own trigger state: a JSON file per flow and trigger.
    const file = triggerStateFile(folder, 'sync-accounts', 'salesforce.changedRecords');
    let state = fileTriggerState(file);
    const events: RecordEvent[] = [];
    const handler = async (event: RecordEvent): Promise<void> => {
      events.push(event);
    };
    const config = { sobject: 'Account', startFrom: 'beginning', intervalMs: 100, overlapMs: 0 };
    let trigger = await kit.startTrigger('salesforce.changedRecords', config, { handler, state });
    try {
      await eventually(() => events.length >= 5);
    } finally {
      await trigger.stop();
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ position: { timestamp: T3 } });
    salesforce.controls.create('Account', { Name: 'While stopped' });
    events.length = 0;
    state = fileTriggerState(file);
    trigger = await kit.startTrigger('salesforce.changedRecords', config, { handler, state });
    try {
      await eventually(() => events.length >= 1);
      await settle();
      expect(names(events)).toEqual(['While stopped']);
    } finally {
      await trigger.stop();
    }
  });

  it('stores the position once per page of records, not once per record nor once per poll', async () => {
    const stored = new Map<string, unknown>();
    let writes = 0;
    const state = {
      get: async <T>(key: string) => stored.get(key) as T | undefined,
      set: async (key: string, value: unknown) => {
        writes++;
        stored.set(key, value);
      },
    };
    const events: RecordEvent[] = [];
    const trigger = await kit.startTrigger(
      'salesforce.changedRecords',
      { sobject: 'Account', startFrom: 'beginning', intervalMs: 100, overlapMs: 0, pageSize: 2 },
      {
        handler: async (event) => {
          events.push(event);
        },
        state,
      },
    );
    try {
      await eventually(() => events.length >= 5);
      await settle();
    } finally {
      await trigger.stop();
    }
    expect(events).toHaveLength(5);
    // One write when starting, one after each page (2 + 2 + 1 records); none for the empty polls after.
    expect(writes).toBe(4);
    expect(stored.get('position')).toMatchObject({ timestamp: T3 });
  });

  it('catches a record committed late with an earlier timestamp inside the overlap window, once', async () => {
    const events: RecordEvent[] = [];
    const trigger = await kit.startTrigger(
      'salesforce.changedRecords',
      { sobject: 'Account', startFrom: 'beginning', intervalMs: 100, overlapMs: 3_600_000 },
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    try {
      await eventually(() => events.length >= 5);
      // Stamped before the newest record handled (T3), visible only now.
      salesforce.controls.create('Account', { Name: 'Late', SystemModstamp: '2026-01-01T09:30:00.000Z' });
      await eventually(() => events.length >= 6);
      await settle();
      expect(names(events)).toEqual(['First', 'Tie one', 'Tie two', 'Tie three', 'Last', 'Late']);
    } finally {
      await trigger.stop();
    }
  });

  it('starts from now: existing records are not emitted, new ones are', async () => {
    const events: RecordEvent[] = [];
    const trigger = await kit.startTrigger(
      'salesforce.changedRecords',
      {
        sobject: 'Account',
        intervalMs: 100,
        where: 'Industry = :industry',
        parameters: { industry: 'Media' },
      },
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    try {
      salesforce.controls.create('Account', { Name: 'Other industry', Industry: 'Energy' });
      salesforce.controls.create('Account', { Name: 'Media company', Industry: 'Media' });
      await eventually(() => events.length >= 1);
      await settle();
      expect(names(events)).toEqual(['Media company']);
    } finally {
      await trigger.stop();
    }
  });

  it("follows the README's example: won opportunities with their account's name, from a seed", async () => {
    const account = '001000000000ACM';
    salesforce.reset({
      records: {
        Account: [{ Id: account, Name: 'Acme' }],
        Opportunity: [
          {
            Name: 'Big deal',
            StageName: 'Closed Won',
            CloseDate: '2026-01-15',
            Amount: 50_000,
            AccountId: account,
            SystemModstamp: T1,
          },
          {
            Name: 'Maybe',
            StageName: 'Prospecting',
            CloseDate: '2026-02-01',
            Amount: 1_000,
            AccountId: account,
            SystemModstamp: T2,
          },
          {
            Name: 'Small win',
            StageName: 'Closed Won',
            CloseDate: '2026-01-20',
            Amount: 2_500,
            AccountId: account,
            SystemModstamp: T3,
          },
        ],
      },
    });
    const events: RecordEvent[] = [];
    // The README's config (connectors/salesforce/README.md), from the beginning and polling fast.
    const trigger = await kit.startTrigger(
      'salesforce.changedRecords',
      {
        sobject: 'Opportunity',
        fields: ['Name', 'StageName', 'Amount', 'Account.Name'],
        where: 'StageName = :stage',
        parameters: { stage: 'Closed Won' },
        startFrom: 'beginning',
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
      await settle();
      expect(events.map((event) => event.record)).toEqual([
        expect.objectContaining({
          Name: 'Big deal',
          StageName: 'Closed Won',
          Amount: 50_000,
          Account: expect.objectContaining({ Name: 'Acme' }),
        }),
        expect.objectContaining({
          Name: 'Small win',
          StageName: 'Closed Won',
          Amount: 2_500,
          Account: expect.objectContaining({ Name: 'Acme' }),
        }),
      ]);
      expect(events.every((event) => event.sobject === 'Opportunity' && event.id.startsWith('006'))).toBe(
        true,
      );
      // Won later: delivered then, once.
      const maybe = salesforce.controls.records('Opportunity').find((record) => record.Name === 'Maybe');
      salesforce.controls.update(String(maybe?.Id), { StageName: 'Closed Won' });
      await eventually(() => events.length >= 3);
      await settle();
      expect(names(events)).toEqual(['Big deal', 'Small win', 'Maybe']);
      expect(events[2]?.record.Account).toMatchObject({ Name: 'Acme' });
    } finally {
      await trigger.stop();
    }
  });

  it('rejects a timestamp field that is not a datetime with INVALID_CONFIG', async () => {
    await expect(
      kit.startTrigger(
        'salesforce.changedRecords',
        { sobject: 'Account', timestampField: 'Name', intervalMs: 100 },
        { handler: async () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG', path: '$.timestampField' });
  });
});

describe('newRecords', { timeout: 60_000 }, () => {
  it('emits records by CreatedDate, not changes', async () => {
    const events: RecordEvent[] = [];
    const trigger = await kit.startTrigger(
      'salesforce.newRecords',
      { sobject: 'Account', startFrom: T2, intervalMs: 100, overlapMs: 0 },
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    try {
      await eventually(() => events.length >= 4);
      const first = salesforce.controls.records('Account').find((record) => record.Name === 'First');
      salesforce.controls.update(String(first?.Id), { Industry: 'Media' });
      salesforce.controls.create('Account', { Name: 'Brand new' });
      await eventually(() => events.length >= 5);
      await settle();
      expect(names(events)).toEqual(['Tie one', 'Tie two', 'Tie three', 'Last', 'Brand new']);
    } finally {
      await trigger.stop();
    }
  });
});
