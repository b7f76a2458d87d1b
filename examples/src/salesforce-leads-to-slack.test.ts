import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxes } from '@connectorkit/sandbox';
import { describe, expect, it } from 'vitest';
import { exampleFolder, readmeCommands, runCk, runReadmeCommand } from './run-ck.js';

// The example as the README (and `pnpm demo`) runs it: `ck run --sandbox` starts the Salesforce
// and Slack emulators in-process, seeded from sandbox-seed.json; nothing else is needed.
const folder = exampleFolder('salesforce-leads-to-slack');
const root = join(folder, '..', '..');

describe('example salesforce-leads-to-slack', () => {
  it('`pnpm demo` posts the open leads to #sales, biggest first, and traces every step', async () => {
    // The root package.json's demo script, run as pnpm would run it (from the repository root).
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const demo = /^node packages\/cli\/bin\/ck\.js (.*)$/.exec(scripts.demo ?? '');
    expect(demo, 'the demo script runs ck').not.toBeNull();
    const result = await runCk((demo?.[1] ?? '').split(' '), root);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      posted: 3,
      leads: ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'],
    });
    const trace = result.stderr;
    expect(trace).toMatch(/✓ leads\s+call salesforce\.query/);
    expect(trace).toMatch(/✓ post\s+call slack\.postMessage .*\[0\]/);
    expect(trace).toMatch(/✓ mark\s+call salesforce\.update .*\[2\]/);
    // What was posted, as the trace shows it …
    expect(trace).toContain('New lead: Ada Lovelace (Analytical Engines Ltd)');
    // … and what the flow asked of each emulator.
    expect(trace).toMatch(/salesforce sandbox .*query, sobjects ×3/);
    expect(trace).toMatch(/slack sandbox .*chat\.postMessage ×3/);
    expect(trace).toMatch(/leads-to-slack succeeded in/);
  }, 180_000);

  it('is drawn by ck graph', async () => {
    const result = await runCk(['graph', 'leads-to-slack'], folder);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^flowchart TD/);
    expect(result.stdout).toContain('leads: salesforce.query');
    expect(result.stdout).toContain('post: slack.postMessage');
  }, 180_000);

  it('takes its threshold from the input: the query binds it as a number', async () => {
    const result = await runCk(
      [
        'run',
        'leads-to-slack',
        '--sandbox',
        '--seed',
        'sandbox-seed.json',
        '--input',
        '{"minRevenue":1000000}',
      ],
      folder,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ posted: 1, leads: ['Ada Lovelace'] });
  }, 180_000);

  it('posts each lead once: a second run against the same emulators posts nothing', async () => {
    // The README's second way: the emulators in a process of their own (`ck sandbox start`, here
    // the same startSandboxes in this process), and `ck run` without --sandbox, twice.
    const commands = readmeCommands(join(folder, 'README.md'));
    const sandbox = commands.find((command) => command.args[0] === 'sandbox');
    expect(sandbox?.args).toEqual(['sandbox', 'start', 'salesforce', 'slack', '--seed', 'sandbox-seed.json']);
    const runs = commands.filter((command) => command.line === 'npx ck run leads-to-slack');
    expect(runs).toHaveLength(2);
    const scratch = mkdtempSync(join(tmpdir(), 'ck-leads-to-slack-'));
    const announce = join(scratch, 'sandbox.json');
    try {
      await using group = await startSandboxes(['salesforce', 'slack'], {
        announce,
        seeds: JSON.parse(readFileSync(join(folder, 'sandbox-seed.json'), 'utf8')) as Record<string, unknown>,
      });
      const env = { CONNECTORKIT_SANDBOX_FILE: announce };
      const outputs = [];
      for (const command of runs) {
        const result = await runReadmeCommand(command, folder, env);
        expect(result.code, result.stderr).toBe(0);
        outputs.push(JSON.parse(result.stdout));
      }
      expect(outputs).toEqual([
        { posted: 3, leads: ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'] },
        { posted: 0, leads: [] },
      ]);
      const sales = group.get('slack')?.state.channels.find((channel) => channel.name === 'sales');
      expect(sales?.messages.map((message) => message.text.replace(/ \(.*$/, ''))).toEqual([
        'New lead: Ada Lovelace',
        'New lead: Grace Hopper',
        'New lead: Alan Turing',
      ]);
      const leads = [...(group.get('salesforce')?.state.records.get('Lead')?.values() ?? [])];
      expect(leads.map((lead) => [lead.LastName, lead.Status])).toEqual([
        ['Lovelace', 'Working - Contacted'],
        ['Hopper', 'Working - Contacted'],
        ['Turing', 'Working - Contacted'],
        ['Dijkstra', 'Closed - Converted'],
      ]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000);
});
