#!/usr/bin/env node
// Writes a connector package's manifest (its catalog entry) next to its build output, so that
// `ck list` and discovery can describe the connector without importing its code.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyConnectorDefinition } from './define.js';
import { MANIFEST_FILE, mainEntry, type PackageDeclaration } from './discovery.js';
import { assertValidManifest, manifestOf } from './manifest.js';

async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? '.');
  const packageJson = JSON.parse(readFileSync(resolve(folder, 'package.json'), 'utf8')) as {
    name?: string;
    version?: string;
    connectorkit?: PackageDeclaration;
  } & Record<string, unknown>;
  const declaration = packageJson.connectorkit;
  if (declaration === undefined) throw new Error(`${folder}/package.json has no 'connectorkit' field`);
  // The same entry discovery loads, so that the manifest describes what will run.
  const entry = declaration.entry ?? mainEntry(packageJson);
  if (entry === undefined)
    throw new Error(`${folder}/package.json: no entry to load (exports['.'], main or connectorkit.entry)`);
  const module = (await import(pathToFileURL(resolve(folder, entry)).href)) as {
    default?: AnyConnectorDefinition;
  };
  if (module.default === undefined) throw new Error(`${entry} has no default export`);
  const manifest = manifestOf(module.default);
  if (packageJson.version !== undefined && manifest.version !== packageJson.version) {
    throw new Error(
      `connector version ${manifest.version} differs from package.json version ${packageJson.version}`,
    );
  }
  assertValidManifest(manifest, `package ${packageJson.name ?? folder}`);
  const target = resolve(folder, declaration.manifest ?? `dist/${MANIFEST_FILE}`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(
    `connectorkit-manifest: ${manifest.name} — ${Object.keys(manifest.actions).length} actions, ${Object.keys(manifest.triggers).length} triggers → ${target}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`connectorkit-manifest: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
