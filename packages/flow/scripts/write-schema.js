// Writes schema/flow.schema.json from the TypeBox definitions (run after `tsc`, as part of `build`).
// The layout is the one Biome gives JSON (lists of plain values on one line when they fit), so
// that a fresh build leaves the committed file as it is.
import { writeFileSync } from 'node:fs';
import { flowJsonSchema } from '../dist/schema.js';

const LINE_WIDTH = 110;

function format(value, indent, prefixLength) {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const inline = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (prefixLength + inline.length + 1 <= LINE_WIDTH) return inline;
    }
    const inner = `${indent}  `;
    return `[\n${value.map((item) => `${inner}${format(item, inner, inner.length)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries
      .map(([key, item]) => {
        const head = `${inner}${JSON.stringify(key)}: `;
        return `${head}${format(item, inner, head.length)}`;
      })
      .join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

writeFileSync(new URL('../schema/flow.schema.json', import.meta.url), `${format(flowJsonSchema(), '', 0)}\n`);
