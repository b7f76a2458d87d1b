import { ConnectorError, defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import { contextOf, EtagSchema, entityPath, jsonBody, KeySchema } from '../entity-context.js';
import { encodeLiteral, formatLiteral, type KeyInput } from '../literals.js';
import {
  type NormalizeOptions,
  normalizeEntity,
  normalizeValue,
  toWireEntity,
  unwrapResults,
  unwrapV2,
} from '../normalize-payload.js';
import type { ODataResponse } from '../odata-client.js';
import { type OperationInfo, type ServiceMetadata, suggestion } from '../service-metadata.js';

export const callFunction = defineAction({
  connection: sapODataConnection,
  title: 'Call function or action',
  description:
    'Calls a V2 function import or a V4 function or action, unbound or bound to an entity (entitySet and key) or to an entity set (entitySet alone); parameters are checked and formatted from $metadata. The same input works on V2 services that expose bound actions as <EntitySet>_<name> function imports.',
  input: Type.Object(
    {
      name: Type.String({
        minLength: 1,
        description: "The function or action, e.g. 'countOrders' or 'cancel'",
      }),
      parameters: Type.Optional(
        Type.Record(Type.String(), Type.Unknown(), { description: 'Parameter values by name' }),
      ),
      entitySet: Type.Optional(
        Type.String({ minLength: 1, description: 'For a bound operation: its entity set' }),
      ),
      key: Type.Optional(KeySchema),
      etag: Type.Optional(EtagSchema),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    value: Type.Unknown({
      description: 'What the operation returned: an entity, a list or a value; null for none',
    }),
  }),
  examples: [
    { title: 'An unbound function', input: { name: 'countOrders', parameters: { status: 'open' } } },
    {
      title: 'An action bound to an entity',
      input: {
        name: 'cancel',
        entitySet: 'Orders',
        key: 3,
        parameters: { reason: 'customer request' },
        etag: '*',
      },
    },
  ],
  run: async (input, { client, signal }) => {
    const metadata = await client.metadata(signal);
    const version = metadata.version;
    const normalize: NormalizeOptions = { metadata, version, preciseNumbers: client.options.preciseNumbers };
    let parameters: Record<string, unknown> = { ...input.parameters };
    const operation = findOperation(metadata, input.name, input.entitySet, input.key);
    let bindingPath: string | undefined;
    if (operation.bound && input.entitySet !== undefined) {
      const context = contextOf(client, metadata, input.entitySet);
      bindingPath =
        input.key === undefined
          ? encodeURIComponent(context.set.name)
          : entityPath(context, input.key as KeyInput);
    } else if (version === 'v2' && input.entitySet !== undefined && input.key !== undefined) {
      // A V2 stand-in for a bound action (`Orders_cancel`): the key goes in as parameters.
      const context = contextOf(client, metadata, input.entitySet);
      const key: Record<string, unknown> =
        typeof input.key === 'object' ? { ...input.key } : { [context.type.keys[0] ?? 'ID']: input.key };
      parameters = { ...key, ...parameters };
    }
    checkParameters(operation, parameters);
    const headers: Record<string, string> = input.etag === undefined ? {} : { 'if-match': input.etag };
    let response: ODataResponse;
    if (version === 'v2') {
      const query = operation.parameters
        .filter((parameter) => parameters[parameter.name] !== undefined)
        .map(
          (parameter) =>
            [
              encodeURIComponent(parameter.name),
              encodeLiteral(
                formatLiteral(
                  parameters[parameter.name],
                  parameter.type,
                  'v2',
                  `$.parameters.${parameter.name}`,
                ),
              ),
            ] as const,
        );
      response = await client.request({
        method: operation.httpMethod,
        path: encodeURIComponent(operation.name),
        query,
        // Parameters travel in the query; the content type still matters to some gateways.
        headers:
          operation.httpMethod === 'POST' ? { ...headers, 'content-type': 'application/json' } : headers,
        signal,
      });
    } else {
      const target = operation.bound
        ? `${bindingPath}/${operation.qualifiedName}`
        : encodeURIComponent(operation.name);
      if (operation.kind === 'function') {
        const list = operation.parameters
          .filter((parameter) => parameters[parameter.name] !== undefined)
          .map(
            (parameter) =>
              `${parameter.name}=${encodeLiteral(formatLiteral(parameters[parameter.name], parameter.type, 'v4', `$.parameters.${parameter.name}`))}`,
          );
        response = await client.request({
          method: 'GET',
          path: `${target}(${list.join(',')})`,
          headers,
          signal,
        });
      } else {
        const body: Record<string, unknown> = {};
        for (const parameter of operation.parameters) {
          const value = parameters[parameter.name];
          if (value === undefined) continue;
          const structured = metadata.types.get(parameter.type);
          body[parameter.name] =
            structured !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)
              ? toWireEntity(
                  value as Record<string, unknown>,
                  structured,
                  normalize,
                  `$.parameters.${parameter.name}`,
                )
              : value;
        }
        response = await client.request({
          method: 'POST',
          path: target,
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal,
        });
      }
    }
    return { value: resultOf(response, operation, normalize) };
  },
});

function findOperation(
  metadata: ServiceMetadata,
  requested: string,
  entitySet: string | undefined,
  key: unknown,
): OperationInfo {
  const name = requested.includes('.') ? requested.slice(requested.lastIndexOf('.') + 1) : requested;
  let candidates = metadata.operations.get(name) ?? [];
  if (candidates.length === 0 && entitySet !== undefined) {
    candidates = metadata.operations.get(`${entitySet}_${name}`) ?? [];
  }
  if (candidates.length === 0) {
    const known = [...metadata.operations.keys()];
    throw new ConnectorError(
      'INVALID_INPUT',
      `the service has no function or action '${requested}'${suggestion(name, known)} — it has: ${known.length === 0 ? '(none)' : known.join(', ')}`,
      { path: '$.name' },
    );
  }
  if (candidates.length === 1 && candidates[0] !== undefined) {
    const only = candidates[0];
    if (only.bound && entitySet === undefined) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `'${only.name}' is bound to ${only.bindingCollection === true ? 'the entity set' : 'an entity'} of ${only.bindingType} — pass entitySet${only.bindingCollection === true ? '' : ' and key'}`,
        { path: '$.entitySet' },
      );
    }
    return only;
  }
  const set = entitySet === undefined ? undefined : metadata.entitySets.get(entitySet);
  const match = candidates.find((candidate) =>
    set === undefined
      ? !candidate.bound
      : candidate.bound &&
        candidate.bindingType === set.entityType &&
        (candidate.bindingCollection === true) === (key === undefined),
  );
  if (match === undefined) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `no overload of '${name}' fits ${entitySet === undefined ? 'an unbound call' : `entity set ${entitySet}${key === undefined ? '' : ' with a key'}`}`,
      { path: '$.name' },
    );
  }
  return match;
}

function checkParameters(operation: OperationInfo, parameters: Readonly<Record<string, unknown>>): void {
  const known = operation.parameters.map((parameter) => parameter.name);
  for (const name of Object.keys(parameters)) {
    if (!known.includes(name)) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `'${operation.name}' has no parameter '${name}'${suggestion(name, known)} — its parameters are: ${known.length === 0 ? '(none)' : known.join(', ')}`,
        { path: `$.parameters.${name}` },
      );
    }
  }
  for (const parameter of operation.parameters) {
    if (
      !parameter.nullable &&
      (parameters[parameter.name] === undefined || parameters[parameter.name] === null)
    ) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `'${operation.name}' needs parameter '${parameter.name}' (${parameter.type})`,
        { path: `$.parameters.${parameter.name}` },
      );
    }
  }
}

/** The operation's result, normalised like entities and property values are. */
function resultOf(response: ODataResponse, operation: OperationInfo, options: NormalizeOptions): unknown {
  const body = jsonBody(response);
  if (body === undefined || operation.returnType === undefined) return null;
  const collection = /^Collection\((.*)\)$/.exec(operation.returnType);
  const itemType = collection?.[1] ?? operation.returnType;
  const structured = options.metadata.types.get(itemType);
  const convert = (item: unknown): unknown =>
    structured === undefined
      ? normalizeValue(item, { type: itemType }, options)
      : normalizeEntity(item, structured, options);
  let payload: unknown;
  if (options.version === 'v2') {
    payload = unwrapV2(body);
    // V2 nests a primitive or complex result in an object named after the function import.
    if (
      payload !== null &&
      typeof payload === 'object' &&
      !Array.isArray(payload) &&
      Object.keys(payload).length === 1 &&
      operation.name in payload &&
      (collection !== null || structured?.kind !== 'entity')
    ) {
      payload = (payload as Record<string, unknown>)[operation.name];
    }
    payload = unwrapResults(payload);
  } else {
    payload = collection !== null || structured === undefined ? (body as { value?: unknown }).value : body;
  }
  if (collection !== null) return Array.isArray(payload) ? payload.map(convert) : [];
  return payload === undefined ? null : convert(payload);
}
