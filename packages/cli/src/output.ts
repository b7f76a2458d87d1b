import type { CommandIo } from './command.js';

/** Colours only on a terminal, and never when NO_COLOR is set. */
export function palette(io: CommandIo, stream: 'stdout' | 'stderr' = 'stdout') {
  const enabled = io[stream].isTTY === true && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Terminal width, or 100 when not a terminal. */
export function width(io: CommandIo): number {
  const columns = io.stdout.columns;
  return typeof columns === 'number' && columns > 20 ? columns : 100;
}

export function truncate(text: string, max: number): string {
  const single = text.replace(/\s+/g, ' ').trim();
  if (max <= 1) return single.slice(0, Math.max(0, max));
  return single.length <= max ? single : `${single.slice(0, max - 1)}…`;
}

/**
 * A plain-text table that fits the terminal: every column but the last keeps its width,
 * the last is truncated to what is left.
 */
export function table(
  rows: readonly (readonly string[])[],
  headers: readonly string[],
  totalWidth: number,
): string {
  if (rows.length === 0) return '';
  const columns = headers.length;
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const fixed = widths.slice(0, -1).reduce((sum, value) => sum + value + 2, 0);
  const lastWidth = Math.max(10, totalWidth - fixed);
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === columns - 1 ? truncate(cell, lastWidth) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(headers), ...rows.map(render)].join('\n');
}

export function writeJson(io: CommandIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeLine(io: CommandIo, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/**
 * Shows that slow work is going on: on a terminal, a spinner on stderr after a short delay;
 * elsewhere nothing (logs and pipes stay clean). Returns a function that clears it.
 */
export function progress(io: CommandIo, label: string, enabled: boolean): () => void {
  if (!enabled || io.stderr.isTTY !== true) return () => undefined;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const started = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    shown = true;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr.write(`\r${frames[frame++ % frames.length]} ${label} ${seconds}s`);
  }, 120);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (shown) io.stderr.write('\r\u001b[2K');
  };
}
