import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { FlowDefinition } from './definition.js';
import type { Flow } from './plan.js';

/** Finds flows by name, for `flow: <name>` steps and `ck run <name>`. */
export interface FlowLibrary {
  /** The file, compiled flow or definition of the flow with that name, or undefined. Throws when two files claim it. */
  resolve(name: string): string | Flow | FlowDefinition | undefined;
  /** Every flow name known. */
  names(): readonly string[];
}

export interface FlowLibraryOptions {
  /** Folders whose `*.yaml`, `*.yml` and `*.json` files (sub-folders included) are flows. */
  readonly folders?: readonly string[];
  /** Flows loaded or built in code. */
  readonly flows?: readonly (Flow | FlowDefinition)[];
}

const FLOW_FILE = /\.(ya?ml|json)$/i;

/**
 * A library of flows from folders (read lazily: only the `name` of each file, on first use)
 * and from flows given in code.
 *
 * @example
 * const library = createFlowLibrary({ folders: ['flows'] });
 * const flow = loadFlow('flows/main.yaml', { catalog: kit.catalog(), library });
 */
export function createFlowLibrary(options: FlowLibraryOptions = {}): FlowLibrary {
  let index: Map<string, string[]> | undefined;
  const inCode = new Map<string, Flow | FlowDefinition>();
  for (const flow of options.flows ?? []) inCode.set(flow.name, flow);
  const scan = (): Map<string, string[]> => {
    if (index !== undefined) return index;
    index = new Map();
    for (const folder of options.folders ?? []) {
      for (const file of flowFiles(resolve(folder))) {
        const name = flowName(file);
        if (name === undefined) continue;
        index.set(name, [...(index.get(name) ?? []), file]);
      }
    }
    return index;
  };
  return {
    resolve(name) {
      const flow = inCode.get(name);
      if (flow !== undefined) return flow;
      const files = scan().get(name);
      if (files === undefined) return undefined;
      if (files.length > 1)
        throw new Error(`flow name '${name}' is used by ${files.length} files: ${files.join(', ')}`);
      return files[0];
    },
    names: () => [...new Set([...inCode.keys(), ...scan().keys()])].sort(),
  };
}

/** Every flow file in a folder and its sub-folders, sorted. */
export function flowFiles(folder: string, depth = 0): string[] {
  if (!existsSync(folder) || depth > 8) return [];
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...flowFiles(path, depth + 1));
    else if (FLOW_FILE.test(entry.name) && statSync(path).isFile()) files.push(path);
  }
  return files;
}

/** The `name` a flow file declares, or undefined when it is not a readable flow. */
function flowName(file: string): string | undefined {
  try {
    const raw = parse(readFileSync(file, 'utf8')) as unknown;
    if (raw === null || typeof raw !== 'object' || !('steps' in raw)) return undefined;
    const name = (raw as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
