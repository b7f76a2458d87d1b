import { readFileSync } from 'node:fs';
import { compileValidator, createKit, manifestOf } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import sapOData, { query, VERSION } from './index.js';

describe('the sap-odata connector', () => {
  it('states the package version and the actions of issue 9', () => {
    const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(packageJson.version);
    const manifest = manifestOf(sapOData);
    expect(manifest.name).toBe('sap-odata');
    expect(Object.keys(manifest.actions)).toEqual([
      'query',
      'get',
      'create',
      'update',
      'delete',
      'callFunction',
      'batch',
      'apiCall',
      'metadata',
    ]);
    expect(manifest.triggers.changes?.delivery).toBe('at-least-once');
    expect(manifest.actions.query?.idempotent).toBe(true);
    expect(manifest.actions.create?.idempotent).toBe(false);
  });

  it('validates structured filters, nested to any depth, through the recursive schema', () => {
    const input = compileValidator(manifestOf(sapOData).actions.query?.input ?? {});
    const valid = {
      entitySet: 'Orders',
      filter: {
        and: [{ property: 'a', value: 1 }, { or: [{ not: { property: 'b', operator: 'in', value: [1] } }] }],
      },
    };
    expect(input.issues(valid)).toEqual([]);
    expect(input.check({ entitySet: 'Orders', filter: "status eq 'open'" })).toBe(true);
    expect(
      input.check({ entitySet: 'Orders', filter: { and: [{ property: 'a', operator: 'like', value: 1 }] } }),
    ).toBe(false);
    expect(input.check({ entitySet: 'Orders', filter: { or: [] } })).toBe(false);
    expect(input.check({ entitySet: 'Orders', filter: { property: 'a' } })).toBe(false);
    expect(compileValidator(query.input).check(valid)).toBe(true);
  });

  it('marks every credential of the connection as a secret', () => {
    const schema = JSON.stringify(manifestOf(sapOData).connection);
    expect(schema.match(/"x-secret":true/g)).toHaveLength(3); // password, clientSecret, secretHeaders values
  });

  it('explains a connection without a service URL, naming the field', async () => {
    await using kit = createKit({
      connectors: [sapOData],
      connections: {
        erp: { connector: 'sap-odata', auth: { type: 'basic', username: 'u', password: 'secret-value-1' } },
      },
      logger: { level: 'silent' },
    });
    const error = await kit.check('erp').catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining("connection 'erp' (connector sap-odata): serviceUrl is required"),
    });
    expect(String((error as Error).message)).not.toContain('secret-value-1');
  });

  it('rejects invalid action input before any request, naming the path', async () => {
    await using kit = createKit({
      connectors: [sapOData],
      connections: { erp: { connector: 'sap-odata', serviceUrl: 'http://127.0.0.1:9/odata' } },
      logger: { level: 'silent' },
    });
    await expect(kit.invokeDynamic('sap-odata.get', { entitySet: 'Orders' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('key'),
    });
    await expect(
      kit.invokeDynamic('sap-odata.query', { entitySet: 'Orders', top: -1 }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: '$.top',
    });
  });
});
