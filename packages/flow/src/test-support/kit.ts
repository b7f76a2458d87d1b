import { fileURLToPath } from 'node:url';
import { type AnyConnectorDefinition, createKit, type Kit, type KitOptions } from '@connectorkit/core';
import { SAMPLE_VALID_TOKEN, sampleConnector } from '@connectorkit/core/testing';

/** A kit with the in-memory sample connector and one connection named `sample`. */
export function sampleKit(
  options: Omit<KitOptions<readonly AnyConnectorDefinition[]>, 'connectors'> = {},
): Kit {
  return createKit({
    connectors: [sampleConnector],
    connections: { sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN } },
    logger: { level: 'silent' },
    ...options,
  }) as unknown as Kit;
}

/** The absolute path of a fixture file. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));
}
