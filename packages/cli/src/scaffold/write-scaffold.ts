import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConnectorError } from '@connectorkit/core';

/**
 * Writes the files of a new package or project into `folder`, all or nothing: they go to a
 * staging folder beside it, which is renamed into place at the end. An existing folder is
 * used only when it is empty, and nothing in it is ever overwritten.
 */
export function writeScaffold(folder: string, files: ReadonlyMap<string, string>): void {
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    throw new ConnectorError('CONFLICT', `${folder} already exists and is not empty — nothing was written`);
  }
  const parent = dirname(folder);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(folder)}.ck-create-${randomBytes(4).toString('hex')}`);
  try {
    for (const [path, content] of files) {
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content, { flag: 'wx' });
    }
    if (existsSync(folder)) rmdirSync(folder);
    renameSync(staging, folder);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (error instanceof ConnectorError) throw error;
    throw new ConnectorError(
      'INTERNAL',
      `could not write ${folder}: ${(error as Error).message} — nothing was written`,
      {
        cause: error,
      },
    );
  }
}
