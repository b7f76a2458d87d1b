import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@connectorkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandIo } from './command.js';
import { startProjectSandboxes } from './sandbox-option.js';
import { createTestProject, runCli, type TestProject } from './test-support/project.js';

let project: TestProject | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

const io = (cwd: string): CommandIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd,
  env: {},
});

describe('--sandbox', () => {
  it('starts the emulators of sandbox connections, announces them, counts their calls and leaves nothing behind', async () => {
    project = createTestProject(
      'connections:\n  team:\n    connector: slack\n    sandbox: true\n  other:\n    connector: sample\n',
    );
    writeFileSync(
      join(project.root, 'seed.json'),
      JSON.stringify({ slack: { channels: [{ name: 'deals' }] } }),
    );
    const before = process.env.CONNECTORKIT_SANDBOX_FILE;
    const config = loadConfig({ cwd: project.root });
    const sandboxes = await startProjectSandboxes(config, io(project.root), 'seed.json');
    const file = process.env.CONNECTORKIT_SANDBOX_FILE ?? '';
    try {
      expect(sandboxes.group.sandboxes.map((sandbox) => sandbox.name)).toEqual(['slack']);
      const announced = JSON.parse(readFileSync(file, 'utf8')) as {
        emulators: Record<string, { url: string; credentials: Record<string, string> }>;
      };
      const slack = announced.emulators.slack;
      expect(slack?.url).toBe(sandboxes.group.get('slack')?.url);
      expect(sandboxes.activity()).toEqual([]);
      const response = await fetch(`${slack?.url}/api/conversations.list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${slack?.credentials.botToken}` },
      });
      const body = (await response.json()) as { channels: { name: string }[] };
      expect(body.channels.map((channel) => channel.name)).toEqual(['deals']);
      expect(sandboxes.activity()).toEqual([
        expect.stringMatching(/^slack sandbox http:\/\/127\.0\.0\.1:\d+ {2}conversations\.list$/),
      ]);
    } finally {
      await sandboxes.close();
    }
    expect(process.env.CONNECTORKIT_SANDBOX_FILE).toBe(before);
    expect(existsSync(file)).toBe(false);
    await sandboxes.close();
  });

  it('says so when no connection asks for a sandbox, and --seed needs --sandbox', async () => {
    project = createTestProject('connections:\n  other:\n    connector: sample\n    token: t\n');
    writeFileSync(join(project.root, 'flow.yaml'), 'name: f\nsteps:\n  - set: { a: 1 }\n');
    const withoutSandbox = await runCli(['run', 'flow.yaml', '--sandbox'], { cwd: project.root });
    expect(withoutSandbox.code).toBe(2);
    expect(withoutSandbox.stderr).toContain('no connection in');
    expect(withoutSandbox.stderr).toContain("says 'sandbox: true' for a connector with an emulator (slack");
    const seedAlone = await runCli(['run', 'flow.yaml', '--seed', 'x.json'], { cwd: project.root });
    expect(seedAlone.code).toBe(2);
    expect(seedAlone.stderr).toContain('--seed goes with --sandbox');
  });

  it('reports an unreadable seed file with what was expected, and starts nothing', async () => {
    project = createTestProject('connections:\n  team:\n    connector: slack\n    sandbox: true\n');
    writeFileSync(join(project.root, 'seed.json'), '{ not json');
    const before = process.env.CONNECTORKIT_SANDBOX_FILE;
    const config = loadConfig({ cwd: project.root });
    await expect(startProjectSandboxes(config, io(project.root), 'seed.json')).rejects.toThrow(
      /^--seed .*seed\.json: .*expected JSON like/,
    );
    expect(process.env.CONNECTORKIT_SANDBOX_FILE).toBe(before);
  });
});
