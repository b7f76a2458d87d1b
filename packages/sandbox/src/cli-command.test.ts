import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runSandboxCommand, type SandboxCommandFlags, sandboxCommand } from './cli-command.js';
import { readSandboxDiscovery } from './discovery-file.js';
import { emulatorNames, type SandboxGroup } from './start-sandbox.js';

const folder = mkdtempSync(join(tmpdir(), 'ck-sandbox-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function harness(flags: SandboxCommandFlags, positionals: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  let lineWritten: () => void = () => undefined;
  const firstLine = new Promise<void>((resolve) => {
    lineWritten = resolve;
  });
  stdout.on('data', (chunk: Buffer) => {
    out.push(chunk.toString());
    if (out.join('').includes('\n')) lineWritten();
  });
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const io = {
    stdout,
    stderr,
    cwd: folder,
    env: { CONNECTORKIT_SANDBOX_FILE: join(folder, 'discovery.json') },
  };
  return {
    context: { flags, positionals, io },
    out: () => out.join(''),
    err: () => err.join(''),
    /** Resolves once the command has printed a whole line. */
    firstLine,
  };
}

describe('ck sandbox', () => {
  it('has the shape of a CLI command', () => {
    expect(sandboxCommand).toMatchObject({
      name: 'sandbox',
      positionals: [{ name: 'action', required: true }, { variadic: true }],
    });
    expect(Object.keys(sandboxCommand.flags)).toEqual(['port', 'host', 'seed', 'no-announce']);
  });

  it('starts emulators, prints URL and credentials as JSON, announces them, and stops on request', async () => {
    writeFileSync(join(folder, 'seed.json'), JSON.stringify({ slack: { channels: [{ name: 'ops' }] } }));
    const { context, out, err, firstLine } = harness({ json: true, port: '0', seed: 'seed.json' }, [
      'start',
      'slack',
    ]);
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let started: (group: SandboxGroup) => void = () => undefined;
    const startedGroup = new Promise<SandboxGroup>((resolve) => {
      started = resolve;
    });
    const running = runSandboxCommand(context, stopped, started);
    try {
      // Waits for what the command does (start, then print), however long a loaded machine takes.
      const group = await Promise.race([
        startedGroup,
        running.then((code) => {
          throw new Error(`the command ended (exit code ${code}) before starting: ${err()}`);
        }),
      ]);
      await firstLine;
      const printed = JSON.parse(out()) as {
        emulators: { name: string; url: string; credentials: Record<string, string> }[];
      };
      expect(printed.emulators[0]).toMatchObject({
        name: 'slack',
        credentials: { botToken: 'xoxb-sandbox-bot-token' },
      });
      expect(group.get('slack')?.state.channels.map((channel) => channel.name)).toEqual(['ops']);
      const state = (await (await fetch(`${printed.emulators[0]?.url}/_sandbox/state`)).json()) as {
        channels: { name: string }[];
      };
      expect(state.channels[0]?.name).toBe('ops');
      expect(readSandboxDiscovery(join(folder, 'discovery.json')).emulators.slack?.url).toBe(
        printed.emulators[0]?.url,
      );
    } finally {
      // Stopped even when an assertion failed: no emulator outlives its test.
      stop();
    }
    expect(await running).toBe(0);
    expect(readSandboxDiscovery(join(folder, 'discovery.json')).emulators).toEqual({});
  });

  it('prints text for people', async () => {
    const { context, out } = harness({ port: '0', 'no-announce': true }, ['start', 'slack']);
    expect(await runSandboxCommand(context, Promise.resolve())).toBe(0);
    expect(out()).toMatch(/Slack sandbox \(slack\) running at http:\/\/127\.0\.0\.1:\d+\n {2}apiUrl/);
    expect(out()).toMatch(/botToken\s+xoxb-sandbox-bot-token/);
    expect(out()).toMatch(/sandbox stopped/);
  });

  it('keeps each credential on one line: a PEM key shows its first line', async () => {
    const { context, out } = harness({ port: '0', 'no-announce': true }, ['start', 'salesforce']);
    expect(await runSandboxCommand(context, Promise.resolve())).toBe(0);
    expect(out()).toMatch(
      /jwtPrivateKeyPem\s+-----BEGIN PRIVATE KEY----- … \(\d+ lines: --json prints it whole\)\n/,
    );
    expect(out()).not.toMatch(/^[A-Za-z0-9+/=]{40,}$/m);
  });

  it('lists the emulators', async () => {
    const { context, out } = harness({ json: true }, ['list']);
    expect(await runSandboxCommand(context, Promise.resolve())).toBe(0);
    const listed = JSON.parse(out()) as { emulators: { name: string; defaultPort: number }[] };
    // Every registered emulator, in registry order; Slack's entry as the CLI documents it.
    expect(listed.emulators.map((emulator) => emulator.name)).toEqual(emulatorNames());
    expect(listed.emulators.find((emulator) => emulator.name === 'slack')).toMatchObject({
      name: 'slack',
      title: 'Slack',
      defaultPort: 4100,
    });
  });

  it('explains usage mistakes with exit code 2', async () => {
    for (const [flags, positionals, message] of [
      [{}, ['start'], /name the emulators to start/],
      [{}, ['start', 'myspace'], /unknown emulator 'myspace' — available: slack/],
      [{}, ['stop'], /unknown sandbox action 'stop'/],
      [{ port: 'x' }, ['start', 'slack'], /--port must be a port number/],
      [{ seed: 'missing.json' }, ['start', 'slack'], /--seed .*missing\.json/],
    ] as const) {
      const { context, err } = harness(flags, [...positionals]);
      expect(await runSandboxCommand(context, Promise.resolve())).toBe(2);
      expect(err()).toMatch(message);
    }
  });
});
