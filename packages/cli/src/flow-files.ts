import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { findConfigFile } from '@connectorkit/core';
import { createFlowLibrary, type FlowLibrary, flowFiles } from '@connectorkit/flow';
import { type CommandIo, UsageError } from './command.js';

/** The folder of a project's flows, relative to its root. */
export const FLOWS_FOLDER = 'flows';

/** The project root: the folder of connectorkit.yaml (or `--config`), else the working folder. */
export function projectRoot(io: CommandIo, config: string | undefined): string {
  const file = config === undefined ? findConfigFile(io.cwd) : resolve(io.cwd, config);
  return file === undefined ? io.cwd : dirname(file);
}

/** The flows of `<root>/flows`, by name. */
export function projectLibrary(root: string): FlowLibrary {
  return createFlowLibrary({ folders: [join(root, FLOWS_FOLDER)] });
}

/**
 * The file of a flow given on the command line: a path to a flow file, or the name of a flow
 * in the project's flows/ folder.
 */
export function flowFile(argument: string, io: CommandIo, root: string, library: FlowLibrary): string {
  const path = resolve(io.cwd, argument);
  if (existsSync(path) && statSync(path).isFile()) return path;
  let found: ReturnType<FlowLibrary['resolve']>;
  try {
    found = library.resolve(argument);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (typeof found === 'string') return found;
  const names = library.names();
  const folder = relative(io.cwd, join(root, FLOWS_FOLDER)) || FLOWS_FOLDER;
  throw new UsageError(
    `'${argument}' is neither a flow file nor the name of a flow in ${folder}/ — ${names.length === 0 ? `${folder}/ holds no flows` : `flows: ${names.join(', ')}`}`,
  );
}

/** Every flow file of the project's flows/ folder. */
export function projectFlowFiles(root: string): string[] {
  return flowFiles(join(root, FLOWS_FOLDER));
}

/** JSON given inline, as @file, or `-` for standard input. */
export async function readJsonArgument(
  value: string | undefined,
  io: CommandIo,
  flag: string,
): Promise<unknown> {
  if (value === undefined) return undefined;
  let text = value;
  let source = flag;
  if (value === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    text = Buffer.concat(chunks).toString('utf8');
    source = 'standard input';
  } else if (value.startsWith('@')) {
    source = value.slice(1);
    try {
      text = await readFile(resolve(io.cwd, source), 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read input file ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}
