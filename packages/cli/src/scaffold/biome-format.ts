import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Formats a generated package with the Biome found in a node_modules folder above it, with the
 * nearest biome.json — the settings its own lint runs with. The generator already writes code
 * the way Biome lays it out; this catches what a document's odd shapes could still make differ.
 * Returns false when no Biome is installed there (nothing is changed then).
 */
export function formatWithBiome(folder: string): boolean {
  const biome = findUp(folder, join('node_modules', '@biomejs', 'biome', 'bin', 'biome'));
  if (biome === undefined) return false;
  const config = findUp(folder, 'biome.json') ?? findUp(folder, 'biome.jsonc');
  const result = spawnSync(process.execPath, [biome, 'check', '--write', folder], {
    cwd: config === undefined ? folder : dirname(config),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return result.status === 0;
}

function findUp(from: string, path: string): string | undefined {
  let folder = resolve(from);
  for (;;) {
    const candidate = join(folder, path);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}
