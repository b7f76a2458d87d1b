import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Where running sandboxes announce themselves, so that a connection with `sandbox: true` (in
 * another process) finds the emulator's URL and test credentials: `$CONNECTORKIT_SANDBOX_FILE`,
 * or `connectorkit-sandbox.json` in the temporary folder. Connectors read this file without
 * depending on this package: its format is the contract (`SandboxDiscovery`, version 1).
 */
export function sandboxDiscoveryFile(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.CONNECTORKIT_SANDBOX_FILE ?? join(tmpdir(), 'connectorkit-sandbox.json');
}

/** One announced emulator. */
export interface SandboxDiscoveryEntry {
  readonly url: string;
  readonly credentials: Readonly<Record<string, string>>;
  /** The process serving it. */
  readonly pid: number;
  readonly startedAt: string;
}

/** The discovery file's content. */
export interface SandboxDiscovery {
  readonly version: 1;
  readonly emulators: Readonly<Record<string, SandboxDiscoveryEntry>>;
}

/** Reads the discovery file; an empty record when there is none (or it is unreadable). */
export function readSandboxDiscovery(file: string = sandboxDiscoveryFile()): SandboxDiscovery {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxDiscovery>;
    if (parsed.version === 1 && parsed.emulators !== null && typeof parsed.emulators === 'object') {
      return { version: 1, emulators: parsed.emulators };
    }
  } catch {
    // No file yet, or a broken one: start afresh.
  }
  return { version: 1, emulators: {} };
}

/** Adds (or replaces) entries in the discovery file. */
export function announceSandboxes(
  entries: Readonly<Record<string, SandboxDiscoveryEntry>>,
  file: string = sandboxDiscoveryFile(),
): void {
  const current = readSandboxDiscovery(file);
  writeAtomically(file, { version: 1, emulators: { ...current.emulators, ...entries } });
}

/** Removes the entries this process announced; deletes the file when nothing is left. */
export function withdrawSandboxes(
  names: readonly string[],
  file: string = sandboxDiscoveryFile(),
  pid: number = process.pid,
): void {
  const current = readSandboxDiscovery(file);
  const remaining = Object.fromEntries(
    Object.entries(current.emulators).filter(([name, entry]) => !(names.includes(name) && entry.pid === pid)),
  );
  if (Object.keys(remaining).length === 0) rmSync(file, { force: true });
  else writeAtomically(file, { version: 1, emulators: remaining });
}

function writeAtomically(file: string, content: SandboxDiscovery): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`);
  renameSync(temporary, file);
}
