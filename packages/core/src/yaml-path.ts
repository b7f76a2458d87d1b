import { isMap, isScalar, isSeq, type Node } from 'yaml';

/** Where a path into a parsed YAML document leads: for located error messages. */
export interface YamlPathNode {
  /** The node the path reaches, or the last one it could follow. */
  readonly node: unknown;
  /** The key of the last mapping entry followed (undefined after a sequence item). */
  readonly keyNode: Node | undefined;
  /** True when every segment of the path was found. */
  readonly complete: boolean;
}

/**
 * Follows a path of keys and indexes through a YAML document parsed with `parseDocument`,
 * as far as it is written. Flows, mappings and configuration turn the result into
 * `file:line:column` with their `LineCounter`.
 */
export function followYamlPath(contents: Node | null, path: readonly (string | number)[]): YamlPathNode {
  let node: unknown = contents;
  let keyNode: Node | undefined;
  let reached = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined || item === null) break;
      keyNode = undefined;
      node = item;
    } else break;
    reached++;
  }
  return { node, keyNode, complete: reached === path.length };
}
