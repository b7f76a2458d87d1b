import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSandboxDiscovery, sandboxDiscoveryFile } from './discovery-file.js';
import { emulatorNames, startSandbox, startSandboxes, UnknownEmulatorError } from './start-sandbox.js';

const folder = mkdtempSync(join(tmpdir(), 'ck-sandbox-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the emulator registry', () => {
  it('knows the Slack emulator by name and starts it', async () => {
    expect(emulatorNames()).toContain('slack');
    await using slack = await startSandbox('slack', { seed: { channels: [{ name: 'ops' }] } });
    expect(slack.name).toBe('slack');
    expect(slack.state.channels.map((channel) => channel.name)).toEqual(['ops']);
    expect(slack.credentials.apiUrl).toBe(`${slack.url}/api/`);
  });

  it('names the known emulators when asked for an unknown one', async () => {
    await expect(startSandbox('myspace' as 'slack')).rejects.toThrow(
      /no emulator is called 'myspace' — the sandbox has: slack/,
    );
    await expect(startSandboxes(['slack', 'myspace'])).rejects.toBeInstanceOf(UnknownEmulatorError);
  });

  it('starts several emulators, describes them and announces them in the discovery file until closed', async () => {
    const file = join(folder, 'discovery.json');
    const group = await startSandboxes(['slack'], {
      announce: file,
      seeds: { slack: { team: { name: 'Acme' } } },
    });
    const [description] = group.describe();
    expect(description).toMatchObject({ name: 'slack', title: 'Slack', url: group.get('slack')?.url });
    expect(group.get('slack')?.state.team.name).toBe('Acme');
    expect(readSandboxDiscovery(file).emulators.slack).toMatchObject({
      url: description?.url,
      credentials: { botToken: 'xoxb-sandbox-bot-token' },
      pid: process.pid,
    });
    await group.close();
    await group.close();
    expect(existsSync(file)).toBe(false);
  });

  it('finds the discovery file from CONNECTORKIT_SANDBOX_FILE or the temporary folder', () => {
    expect(sandboxDiscoveryFile({ CONNECTORKIT_SANDBOX_FILE: '/x/y.json' })).toBe('/x/y.json');
    expect(sandboxDiscoveryFile({})).toBe(join(tmpdir(), 'connectorkit-sandbox.json'));
    expect(readSandboxDiscovery(join(folder, 'missing.json'))).toEqual({ version: 1, emulators: {} });
  });
});
