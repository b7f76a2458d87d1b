import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readConnectorCatalog, renderConnectorCatalog, withCatalog } from './connector-catalog.js';

// `pnpm readme:catalog`: rewrites the connector list of the root README.md from the manifests
// of connectors/* (run `pnpm build` first). The catalog test fails until this has run.
const root = fileURLToPath(new URL('../../', import.meta.url));
const readmeFile = `${root}README.md`;
const connectors = readConnectorCatalog(`${root}connectors`);
const before = readFileSync(readmeFile, 'utf8');
const after = withCatalog(before, renderConnectorCatalog(connectors));
if (after === before) {
  process.stdout.write(`README.md: the connector catalog is up to date (${connectors.length} connectors)\n`);
} else {
  writeFileSync(readmeFile, after);
  process.stdout.write(`README.md: connector catalog rewritten (${connectors.length} connectors)\n`);
}
