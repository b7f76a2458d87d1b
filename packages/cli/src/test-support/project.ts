import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { manifestOf } from '@connectorkit/core';
import { sampleConnector } from '@connectorkit/core/testing';
import type { CommandIo } from '../command.js';
import { run } from '../main.js';

const require = createRequire(import.meta.url);

/** A throw-away project folder with the sample connector installed as a package and a config. */
export interface TestProject {
  readonly root: string;
  /** Marker file the connector's entry writes when it is imported. */
  readonly loadedMarker: string;
  cleanup(): void;
}

export function createTestProject(config: string): TestProject {
  const root = mkdtempSync(join(tmpdir(), 'ck-cli-'));
  const packageFolder = join(root, 'node_modules', '@acme', 'connector-sample');
  mkdirSync(packageFolder, { recursive: true });
  const loadedMarker = join(root, 'connector-loaded');
  writeFileSync(
    join(packageFolder, 'package.json'),
    JSON.stringify({
      name: '@acme/connector-sample',
      version: '0.1.0',
      type: 'module',
      exports: { '.': './index.js' },
      connectorkit: { manifest: './connectorkit.manifest.json' },
    }),
  );
  writeFileSync(
    join(packageFolder, 'connectorkit.manifest.json'),
    JSON.stringify(manifestOf(sampleConnector)),
  );
  const testingModule = pathToFileURL(require.resolve('@connectorkit/core/testing')).href;
  writeFileSync(
    join(packageFolder, 'index.js'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(loadedMarker)}, 'yes');\nexport { sampleConnector as default } from ${JSON.stringify(testingModule)};\n`,
  );
  writeFileSync(join(root, 'connectorkit.yaml'), config);
  return { root, loadedMarker, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ck` in-process with captured output. */
export async function runCli(
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; stdin?: string },
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  stdin.end(options.stdin ?? '');
  const io: CommandIo = { stdout, stderr, stdin, cwd: options.cwd, env: options.env ?? {} };
  const code = await run(argv, { io });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/**
 * A flow bound to the sample connector's `ticks` trigger: five ticks, each run taking about
 * 300 ms, so that a stop arrives while a run is in flight.
 */
export const TICKING_FLOW = `name: ticking
on:
  trigger: sample.ticks
  connection: sample
  config: { count: 5 }
steps:
  - call: sample.wait
    connection: sample
    with: { ms: 300 }
  - call: sample.put
    connection: sample
    with: { key: "= 'tick-' & event.tick", text: done }
`;
