import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFolder, runCk } from './run-ck.js';

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
    // What was posted, as the trace shows it …
    expect(trace).toContain('New lead: Ada Lovelace (Analytical Engines Ltd)');
    // … and what the flow asked of each emulator.
    expect(trace).toMatch(/salesforce sandbox .*query/);
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
});
