import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CATALOG_END,
  CATALOG_START,
  readConnectorCatalog,
  renderConnectorCatalog,
  withCatalog,
} from './connector-catalog.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the connector catalog in README.md', () => {
  it('lists every connector with its actions and triggers, as the manifests say', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const connectors = readConnectorCatalog(`${root}connectors`);
    expect(connectors.map((connector) => connector.manifest.name)).toEqual(
      expect.arrayContaining(['kafka', 'redis', 'sap-odata', 'slack']),
    );
    const expected = withCatalog(readme, renderConnectorCatalog(connectors));
    // When this fails, run `pnpm readme:catalog` and commit README.md.
    expect(readme).toBe(expected);
  });

  it('renders a connector with its package, actions and first sentence of each trigger', () => {
    const text = renderConnectorCatalog([
      {
        packageName: '@acme/connector-notes',
        folder: 'connectors/notes',
        manifest: {
          contract: 1,
          name: 'notes',
          title: 'Notes',
          description: 'Keeps notes. Second sentence.',
          version: '1.0.0',
          connection: {},
          actions: {
            put: { description: 'Puts', input: {}, output: {}, idempotent: true, examples: [] },
            get: { description: 'Gets', input: {}, output: {}, idempotent: true, examples: [] },
          },
          triggers: {
            changed: {
              description: 'Each changed note. Polls.',
              config: {},
              event: {},
              delivery: 'at-least-once',
            },
          },
        },
      },
    ]);
    expect(text).toBe(
      [
        CATALOG_START,
        '',
        '### Notes — [`@acme/connector-notes`](connectors/notes)',
        '',
        'Keeps notes.',
        '',
        '- **Actions (2):** `put`, `get`',
        '- **Triggers:**',
        '  - `changed` (at-least-once) — each changed note.',
        '',
        CATALOG_END,
      ].join('\n'),
    );
  });

  it('refuses a README without the markers', () => {
    expect(() => withCatalog('# Title\n', 'list')).toThrow(/lacks the catalog markers/);
  });
});
