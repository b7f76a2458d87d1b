import { defineConnection, Secret, type Static, Type } from '@connectorkit/core';
import { type ODataAuthentication, ODataClient } from './odata-client.js';
import { describeMetadata } from './service-metadata.js';

const NoAuthentication = Type.Object(
  { type: Type.Literal('none') },
  { additionalProperties: false, title: 'No authentication' },
);

const BasicAuthentication = Type.Object(
  {
    type: Type.Literal('basic'),
    username: Type.String({ minLength: 1, description: 'User name' }),
    password: Secret({ description: 'Password' }),
  },
  { additionalProperties: false, title: 'Basic authentication' },
);

const OAuthClientCredentials = Type.Object(
  {
    type: Type.Literal('oauth2'),
    tokenUrl: Type.String({
      format: 'uri',
      description:
        'Token endpoint, e.g. https://<subdomain>.authentication.<region>.hana.ondemand.com/oauth/token',
    }),
    clientId: Type.String({ minLength: 1, description: 'OAuth client id' }),
    clientSecret: Secret({ description: 'OAuth client secret' }),
    scope: Type.Optional(Type.String({ description: 'Space-separated scopes to request' })),
    tokenParameters: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Extra form parameters of the token request (resource, audience …)',
      }),
    ),
    clientAuthentication: Type.Optional(
      Type.Union([Type.Literal('basic'), Type.Literal('body')], {
        description:
          'How the client authenticates to the token endpoint: HTTP Basic (default) or in the form body',
      }),
    ),
  },
  { additionalProperties: false, title: 'OAuth 2.0 client credentials' },
);

/** The connection configuration of the SAP OData connector. */
export const SapODataConfig = Type.Object(
  {
    serviceUrl: Type.String({
      format: 'uri',
      description:
        'Service root URL, e.g. https://my.s4hana.host/sap/opu/odata/sap/API_BUSINESS_PARTNER (query parameters such as ?sap-client=100 are kept for every request)',
    }),
    version: Type.Union([Type.Literal('auto'), Type.Literal('v2'), Type.Literal('v4')], {
      default: 'auto',
      description: 'OData version; auto reads it from $metadata',
    }),
    auth: Type.Union([NoAuthentication, BasicAuthentication, OAuthClientCredentials], {
      default: { type: 'none' },
      description:
        'none, basic (username, password) or oauth2 (client credentials: tokenUrl, clientId, clientSecret)',
    }),
    sapClient: Type.Optional(
      Type.String({
        pattern: '^[0-9]{3}$',
        description: 'SAP client (Mandant), sent as the sap-client query parameter',
      }),
    ),
    language: Type.String({
      default: 'en',
      minLength: 1,
      description: 'Language of texts and messages (Accept-Language; the SAP logon language)',
    }),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Extra headers sent with every request' }),
    ),
    secretHeaders: Type.Optional(
      Type.Record(Type.String(), Secret(), {
        description:
          'Extra headers whose values are credentials (e.g. an APIKey header from an environment variable); never logged',
      }),
    ),
    queryParameters: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Extra query parameters of every request' }),
    ),
    csrf: Type.Boolean({
      default: true,
      description:
        'Fetch an X-CSRF-Token before modifying requests and send it with its cookies (SAP Gateway needs this)',
    }),
    preciseNumbers: Type.Union([Type.Literal('string'), Type.Literal('number')], {
      default: 'string',
      description: 'Edm.Decimal and Edm.Int64 values as exact strings (default) or as JavaScript numbers',
    }),
  },
  { additionalProperties: false },
);

export type SapODataConfig = Static<typeof SapODataConfig>;

/**
 * The connection: a pooled `ODataClient` per named connection. Connecting makes no request;
 * the check reads the service document and `$metadata` (which also tests the credentials).
 */
export const sapODataConnection = defineConnection({
  config: SapODataConfig,
  connect: (config, ctx) =>
    new ODataClient({
      serviceUrl: config.serviceUrl,
      version: config.version,
      auth: authenticationOf(config.auth),
      headers: { ...config.headers, ...config.secretHeaders },
      queryParameters: {
        ...config.queryParameters,
        ...(config.sapClient === undefined ? {} : { 'sap-client': config.sapClient }),
      },
      language: config.language,
      csrf: config.csrf,
      preciseNumbers: config.preciseNumbers,
      log: ctx.log,
    }),
  disconnect: (client) => client.close(),
  check: async (client, { signal }) => {
    // The service document is small and needs the credentials; $metadata is needed anyway.
    await client.request({ method: 'GET', path: '', signal });
    await client.metadata(signal);
  },
  // `ck describe sap-odata --connection <name>`: the entity sets, keys and operations of the service.
  describe: async (client, { signal }) => describeMetadata(await client.metadata(signal)),
});

function authenticationOf(auth: SapODataConfig['auth']): ODataAuthentication {
  switch (auth.type) {
    case 'basic':
      return { type: 'basic', username: auth.username, password: auth.password };
    case 'oauth2':
      return {
        type: 'oauth2',
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        scope: auth.scope,
        tokenParameters: auth.tokenParameters,
        clientAuthentication: auth.clientAuthentication,
      };
    default:
      return { type: 'none' };
  }
}
