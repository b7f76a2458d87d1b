import { followYamlPath } from '@connectorkit/core';
import type { LineCounter, Node } from 'yaml';

/** A problem in a file, with where it is (1-based line and column; 0 when unknown). */
export interface FileProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** `file:line:column` of a problem. */
export function problemLocation(problem: FileProblem): string {
  return problem.line === 0 ? problem.file : `${problem.file}:${problem.line}:${problem.column}`;
}

/** Finds where a path into a parsed YAML document is written: the key when `key`, else the value. */
export function locate(
  contents: Node | null,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
  key = false,
): { line: number; column: number } | undefined {
  const { node, keyNode, complete } = followYamlPath(contents, path);
  const offset =
    (complete && key) || !complete
      ? (keyNode?.range?.[0] ?? (node as Node | undefined)?.range?.[0])
      : ((node as Node | null | undefined)?.range?.[0] ?? keyNode?.range?.[0]);
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
