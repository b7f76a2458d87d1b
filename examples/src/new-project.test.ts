import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import redis from '@connectorkit/connector-redis';
import { createKit } from '@connectorkit/core';
import { createFlowEngine, loadFlow } from '@connectorkit/flow';
import { describe, expect, it } from 'vitest';
import { runCk } from './run-ck.js';

// `ck create project` is where a newcomer starts: its flow must load against the real Redis
// connector's catalog (actions and literal inputs checked) and run against the Redis of
// scripts/services with the connection the generated connectorkit.yaml declares.
describe('ck create project', () => {
  it('makes a project whose hello flow loads against the Redis connector and runs', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'ck-new-project-'));
    try {
      const created = await runCk(['create', 'project', 'greeter', '--yes'], parent);
      expect(created.code, created.stderr).toBe(0);
      const root = join(parent, 'greeter');
      // The connection the generated configuration declares, and the one the kit below uses.
      expect(readFileSync(join(root, 'connectorkit.yaml'), 'utf8')).toMatch(
        /\n {2}cache:\n {4}connector: redis\n/,
      );
      await using kit = createKit({
        connectors: [redis],
        connections: {
          cache: { connector: 'redis', url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
        },
      });
      const flow = loadFlow(join(root, 'flows', 'hello.flow.yaml'), { catalog: kit.catalog() });
      const input = JSON.parse(readFileSync(join(root, 'flows', 'hello.input.json'), 'utf8')) as unknown;
      const run = await createFlowEngine({ kit }).run(flow, input);
      expect(run.error).toBeUndefined();
      expect(run.output).toEqual({ greeting: 'Hello, world!' });
      await kit.invokeDynamic('redis.del', { keys: ['greeting'] });
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 180_000);
});
