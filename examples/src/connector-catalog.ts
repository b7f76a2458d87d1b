import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectorManifest, readConnectorPackage } from '@connectorkit/core';

/** The markers around the generated list in README.md. */
export const CATALOG_START =
  "<!-- connector catalog: generated from the connectors' manifests by `pnpm readme:catalog`; a test keeps it in sync -->";
export const CATALOG_END = '<!-- end of connector catalog -->';

/** One connector package of the repository, with its manifest (the catalog the kit serves). */
export interface CatalogedConnector {
  readonly packageName: string;
  readonly folder: string;
  readonly manifest: ConnectorManifest;
}

/** Every connector package under `connectorsFolder`, by connector name. Needs them built. */
export function readConnectorCatalog(connectorsFolder: string): CatalogedConnector[] {
  const found: CatalogedConnector[] = [];
  for (const entry of readdirSync(connectorsFolder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(connectorsFolder, entry.name);
    const source = readConnectorPackage(folder);
    if (source === undefined) continue;
    const { name } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string };
    found.push({ packageName: name, folder: `connectors/${entry.name}`, manifest: source.manifest });
  }
  return found.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** The Markdown list of connectors with their actions and triggers. */
export function renderConnectorCatalog(connectors: readonly CatalogedConnector[]): string {
  const sections = connectors.map(({ packageName, folder, manifest }) => {
    const actions = Object.keys(manifest.actions);
    const triggers = Object.keys(manifest.triggers);
    const lines = [
      `### ${manifest.title} — [\`${packageName}\`](${folder})`,
      '',
      firstSentence(manifest.description),
      '',
      `- **Actions (${actions.length}):** ${actions.map((name) => `\`${name}\``).join(', ')}`,
    ];
    if (triggers.length > 0) {
      lines.push('- **Triggers:**');
      for (const name of triggers) {
        const trigger = manifest.triggers[name];
        const summary = lowerFirst(firstSentence(trigger?.description ?? ''));
        lines.push(`  - \`${name}\` (${trigger?.delivery}) — ${summary}`);
      }
    }
    return lines.join('\n');
  });
  return [CATALOG_START, '', ...sections.flatMap((section) => [section, '']), CATALOG_END].join('\n');
}

/**
 * README text with the catalog between the markers replaced by `catalog`. Throws when the
 * markers are missing, so that a moved heading cannot silently drop the list.
 */
export function withCatalog(readme: string, catalog: string): string {
  const start = readme.indexOf(CATALOG_START);
  const end = readme.indexOf(CATALOG_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md lacks the catalog markers:\n${CATALOG_START}\n${CATALOG_END}`);
  }
  return `${readme.slice(0, start)}${catalog}${readme.slice(end + CATALOG_END.length)}`;
}

function firstSentence(text: string): string {
  const match = /^(.*?[.!?])(\s|$)/s.exec(text.trim());
  return (match?.[1] ?? text.trim()).replace(/\s+/g, ' ');
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
}
