import { followYamlPath } from '@connectorkit/core';
import { isScalar, type LineCounter, type Node, type Scalar } from 'yaml';
import type { ValuePath } from './expression.js';

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface LocateOptions {
  /** Point at the key of the last path segment rather than at its value. */
  readonly key?: boolean;
  /** A character index inside the string value at the path. */
  readonly offset?: number;
}

/** Maps paths into a parsed flow back to where they are written. */
export interface SourceLocator {
  /** The file as shown in messages. */
  readonly display: string;
  position(path: ValuePath, options?: LocateOptions): Position | undefined;
}

/** For flows built in code: no positions, messages carry the path instead. */
export function codeLocator(display: string): SourceLocator {
  return { display, position: () => undefined };
}

/** Positions in a YAML (or JSON) document parsed with a `LineCounter`. */
export function yamlLocator(
  display: string,
  text: string,
  contents: Node | null,
  lineCounter: LineCounter,
): SourceLocator {
  return {
    display,
    position(path, options = {}) {
      const { node, keyNode, complete } = followYamlPath(contents, path);
      let offset: number | undefined;
      if (complete && options.key === true && keyNode !== undefined) offset = keyNode.range?.[0];
      else if (!complete && keyNode !== undefined) offset = keyNode.range?.[0];
      else if (complete && options.offset !== undefined && isScalar(node)) {
        offset = scalarOffset(text, node, options.offset);
      } else offset = (node as Node | null | undefined)?.range?.[0] ?? keyNode?.range?.[0];
      if (offset === undefined) return undefined;
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    },
  };
}

/**
 * The offset in the source of character `index` of a scalar's value, following its quoting;
 * the scalar's start when the mapping is not simple (folded or multi-line flow scalars).
 */
function scalarOffset(text: string, scalar: Scalar, index: number): number {
  const start = scalar.range?.[0];
  const end = scalar.range?.[1];
  if (start === undefined || end === undefined) return start ?? 0;
  const source = text.slice(start, end);
  switch (scalar.type) {
    case 'PLAIN':
      return source.includes('\n') ? start : start + Math.min(index, source.length);
    case 'QUOTE_SINGLE':
    case 'QUOTE_DOUBLE': {
      const double = scalar.type === 'QUOTE_DOUBLE';
      let position = 1;
      for (let consumed = 0; consumed < index; consumed++) {
        const character = source[position];
        if (character === undefined || character === '\n') return start;
        if (double && character === '\\') {
          const next = source[position + 1];
          position += next === 'x' ? 4 : next === 'u' ? 6 : next === 'U' ? 10 : 2;
        } else if (!double && character === "'" && source[position + 1] === "'") {
          position += 2;
        } else position += 1;
      }
      return start + position;
    }
    case 'BLOCK_LITERAL': {
      const value = String(scalar.value);
      const before = value.slice(0, index);
      const lineIndex = before.split('\n').length - 1;
      const column = index - (before.lastIndexOf('\n') + 1);
      let lineStart = text.indexOf('\n', start) + 1;
      if (lineStart === 0) return start;
      const firstLine = text.slice(
        lineStart,
        text.indexOf('\n', lineStart) === -1 ? undefined : text.indexOf('\n', lineStart),
      );
      const indent = firstLine.length - firstLine.trimStart().length;
      for (let line = 0; line < lineIndex; line++) {
        const next = text.indexOf('\n', lineStart);
        if (next === -1) return start;
        lineStart = next + 1;
      }
      return lineStart + indent + column;
    }
    default:
      return start;
  }
}

/** `steps[2].with.key` */
export function pathText(path: ValuePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(root)' : text;
}

/** `$.hosts[1]["a b"].port` → `['hosts', 1, 'a b', 'port']` (the JSONPaths core's validator writes). */
export function jsonPathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.slice(1).matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
