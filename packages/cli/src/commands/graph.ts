import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { loadFlow, toMermaid, toSvg } from '@connectorkit/flow';
import { defineCommand, UsageError } from '../command.js';
import { flowFile, projectLibrary, projectRoot } from '../flow-files.js';
import { writeLine } from '../output.js';

const FORMATS = ['mermaid', 'svg'] as const;

export const graphCommand = defineCommand({
  name: 'graph',
  summary: 'Draw a flow as a Mermaid flowchart or an SVG image',
  help: [
    'Mermaid text renders on GitHub, in Markdown docs and in the Mermaid live editor; the SVG is',
    'laid out by ck itself (no browser needed). The format follows --out (.svg → svg) unless',
    '--format says otherwise; without --out the drawing goes to standard output.',
    '',
    'Examples:',
    '  ck graph flows/orders.yaml',
    '  ck graph orders --out docs/orders.svg',
    '  ck graph orders --format mermaid --out docs/orders.mmd',
  ].join('\n'),
  positionals: [
    { name: 'flow', description: 'A flow file, or the name of a flow in flows/', required: true },
  ],
  flags: {
    format: {
      type: 'string',
      short: 'f',
      valueName: 'mermaid|svg',
      description: 'Drawing format (default: mermaid)',
    },
    out: {
      type: 'string',
      short: 'o',
      valueName: 'file',
      description: 'Write to this file instead of standard output',
    },
  },
  run: async ({ flags, positionals, io }) => {
    const format =
      flags.format ??
      (flags.out !== undefined && extname(flags.out).toLowerCase() === '.svg' ? 'svg' : 'mermaid');
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be ${FORMATS.join(' or ')}, got '${format}'`);
    }
    const root = projectRoot(io, flags.config);
    const library = projectLibrary(root);
    // Drawing needs no connection: the flow's structure and expressions are checked, not its actions.
    const flow = loadFlow(flowFile(positionals[0] ?? '', io, root, library), { library, cwd: io.cwd });
    const drawing = format === 'svg' ? toSvg(flow) : toMermaid(flow);
    if (flags.out === undefined) {
      io.stdout.write(drawing);
      return 0;
    }
    await writeFile(resolve(io.cwd, flags.out), drawing);
    if (flags.json === true)
      io.stdout.write(`${JSON.stringify({ flow: flow.name, format, out: flags.out })}\n`);
    else writeLine(io, `wrote ${flags.out} (${format}, flow ${flow.name})`);
    return 0;
  },
});
