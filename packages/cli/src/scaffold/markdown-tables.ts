/**
 * Aligns the tables of a Markdown text the way Biome formats them: every cell padded to the
 * width of its column, the delimiter row filled with dashes. The scaffolder calls it after
 * replacing names, which changes the width of cells.
 */
export function alignMarkdownTables(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let fenced = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const next = lines[index + 1];
    if (fenced || !isRow(line) || next === undefined || !isDelimiter(next)) {
      out.push(line);
      continue;
    }
    const rows: string[][] = [];
    let end = index;
    for (; end < lines.length && isRow(lines[end] as string); end++) rows.push(cells(lines[end] as string));
    const delimiter = rows[1] ?? [];
    if (delimiter.some((cell) => cell.startsWith(':') || cell.endsWith(':'))) {
      out.push(...lines.slice(index, end));
    } else {
      const columns = Math.max(...rows.map((row) => row.length));
      const widths = Array.from({ length: columns }, (_, column) =>
        Math.max(3, ...rows.map((row, rowIndex) => (rowIndex === 1 ? 0 : (row[column] ?? '').length))),
      );
      for (const [rowIndex, row] of rows.entries()) {
        const padded = widths.map((width, column) =>
          rowIndex === 1 ? '-'.repeat(width) : (row[column] ?? '').padEnd(width),
        );
        out.push(`| ${padded.join(' | ')} |`);
      }
    }
    index = end - 1;
  }
  return out.join('\n');
}

function isRow(line: string): boolean {
  return /^\|.*\|\s*$/.test(line);
}

function isDelimiter(line: string): boolean {
  return isRow(line) && cells(line).every((cell) => /^:?-+:?$/.test(cell));
}

function cells(line: string): string[] {
  const inner = line.trim().slice(1, -1);
  const found: string[] = [];
  let current = '';
  for (let index = 0; index < inner.length; index++) {
    const character = inner[index] as string;
    if (character === '\\' && inner[index + 1] === '|') {
      current += '\\|';
      index++;
    } else if (character === '|') {
      found.push(current.trim());
      current = '';
    } else {
      current += character;
    }
  }
  found.push(current.trim());
  return found;
}
