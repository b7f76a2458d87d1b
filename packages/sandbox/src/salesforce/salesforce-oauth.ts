/**
 * The OAuth 2.0 token endpoint of the Salesforce emulator (`/services/oauth2/token`) with the
 * flows server integrations use — client credentials, username-password, refresh token and JWT
 * bearer — plus the identity URL, userinfo and revoke.
 */
import { createHmac, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type EmulatorResponse, json } from '../define-emulator.js';
import { bearerToken, type EmulatorRequest } from '../emulator-request.js';
import {
  SALESFORCE_SANDBOX_CLIENT_ID,
  SALESFORCE_SANDBOX_CLIENT_SECRET,
  SALESFORCE_SANDBOX_ORG_ID,
  SALESFORCE_SANDBOX_PASSWORD,
  SALESFORCE_SANDBOX_SECURITY_TOKEN,
  SALESFORCE_SANDBOX_USERNAME,
  type SalesforceState,
  token,
} from './salesforce-state.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

let jwtKeys: { readonly privateKeyPem: string; readonly publicKey: KeyObject } | undefined;

/** The connected app's test-only RSA key pair of the JWT bearer flow, made once per process. */
export function sandboxJwtKeys(): { readonly privateKeyPem: string; readonly publicKey: KeyObject } {
  if (jwtKeys === undefined) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    jwtKeys = {
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: pair.publicKey,
    };
  }
  return jwtKeys;
}

function oauthError(
  error: 'invalid_grant' | 'invalid_client' | 'invalid_request' | 'unsupported_grant_type',
  description: string,
): EmulatorResponse {
  return json(400, { error, error_description: description });
}

function param(request: EmulatorRequest, name: string): string | undefined {
  const value = request.params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Client id and secret from the form, or from HTTP Basic authentication. */
function clientOf(request: EmulatorRequest): { id: string | undefined; secret: string | undefined } {
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    }
  }
  return { id: param(request, 'client_id'), secret: param(request, 'client_secret') };
}

function tokenResponse(state: SalesforceState, url: string, withRefreshToken: boolean): EmulatorResponse {
  const accessToken = token('AQ');
  state.sessions.add(accessToken);
  const id = `${url}/id/${SALESFORCE_SANDBOX_ORG_ID}/${state.userId}`;
  const issuedAt = String(Date.now());
  const signature = createHmac('sha256', SALESFORCE_SANDBOX_CLIENT_SECRET)
    .update(`${id}${issuedAt}`)
    .digest('base64');
  const body: Record<string, string> = {
    access_token: accessToken,
    instance_url: url,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
    signature,
  };
  if (withRefreshToken) {
    body.refresh_token = state.initialRefreshToken;
    body.scope = 'api refresh_token';
  }
  return json(200, body);
}

function base64UrlJson(part: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks a JWT bearer assertion: RS256 signed with the sandbox key, iss/sub/aud/exp as Salesforce wants them. */
function jwtProblem(url: string, assertion: string): EmulatorResponse | undefined {
  const parts = assertion.split('.');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = base64UrlJson(headerPart);
  const payload = base64UrlJson(payloadPart);
  if (parts.length !== 3 || header === undefined || payload === undefined) {
    return oauthError('invalid_grant', 'invalid assertion: not a JWT of three base64url parts');
  }
  if (header.alg !== 'RS256')
    return oauthError('invalid_grant', `invalid assertion: algorithm must be RS256`);
  const signed = createVerify('RSA-SHA256')
    .update(`${headerPart}.${payloadPart}`)
    .verify(sandboxJwtKeys().publicKey, Buffer.from(signaturePart, 'base64url'));
  if (!signed) return oauthError('invalid_grant', 'invalid assertion: signature does not verify');
  if (payload.iss !== SALESFORCE_SANDBOX_CLIENT_ID)
    return oauthError('invalid_client', 'invalid client credentials');
  if (payload.sub !== SALESFORCE_SANDBOX_USERNAME)
    return oauthError('invalid_grant', "user hasn't approved this consumer");
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.some((audience) => audience === url || audience === `${url}/`)) {
    return oauthError('invalid_grant', 'audience is invalid');
  }
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) {
    return oauthError('invalid_grant', 'expired authorization code');
  }
  return undefined;
}

/** Answers `POST /services/oauth2/token`. */
export function answerToken(request: EmulatorRequest, state: SalesforceState, url: string): EmulatorResponse {
  if (request.method !== 'POST') return json(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: 'use POST' }]);
  const grantType = param(request, 'grant_type');
  const client = clientOf(request);
  const clientValid =
    client.id === SALESFORCE_SANDBOX_CLIENT_ID && client.secret === SALESFORCE_SANDBOX_CLIENT_SECRET;
  switch (grantType) {
    case 'client_credentials':
      if (!clientValid) return oauthError('invalid_client', 'invalid client credentials');
      return tokenResponse(state, url, false);
    case 'password': {
      if (!clientValid) return oauthError('invalid_client', 'invalid client credentials');
      const username = param(request, 'username');
      const password = param(request, 'password');
      if (
        username !== SALESFORCE_SANDBOX_USERNAME ||
        password !== `${SALESFORCE_SANDBOX_PASSWORD}${SALESFORCE_SANDBOX_SECURITY_TOKEN}`
      ) {
        return oauthError('invalid_grant', 'authentication failure');
      }
      return tokenResponse(state, url, true);
    }
    case 'refresh_token': {
      // A connected app may skip the secret for refresh; when one is sent it must be right.
      if (client.id !== SALESFORCE_SANDBOX_CLIENT_ID || (client.secret !== undefined && !clientValid)) {
        return oauthError('invalid_client', 'invalid client credentials');
      }
      const refreshToken = param(request, 'refresh_token');
      if (refreshToken === undefined || !state.refreshTokens.has(refreshToken)) {
        return oauthError('invalid_grant', 'expired access/refresh token');
      }
      return tokenResponse(state, url, false);
    }
    case JWT_BEARER: {
      const assertion = param(request, 'assertion');
      if (assertion === undefined)
        return oauthError('invalid_request', 'assertion is required for the JWT bearer flow');
      return jwtProblem(url, assertion) ?? tokenResponse(state, url, false);
    }
    case undefined:
      return oauthError('unsupported_grant_type', 'grant type not supported: grant_type is missing');
    default:
      return oauthError('unsupported_grant_type', 'grant type not supported');
  }
}

/** Answers `POST /services/oauth2/revoke`: the access or refresh token stops working. */
export function answerRevoke(request: EmulatorRequest, state: SalesforceState): EmulatorResponse {
  const value = param(request, 'token');
  if (value === undefined) return oauthError('invalid_request', 'token is required');
  const known = state.sessions.delete(value) || state.refreshTokens.delete(value);
  return known
    ? { status: 200 }
    : json(400, { error: 'unsupported_token_type', error_description: 'this token type is not supported' });
}

/** True when the request carries a live access token (`Bearer` or Salesforce's older `OAuth` scheme). */
export function hasSession(request: EmulatorRequest, state: SalesforceState): boolean {
  const header = request.headers.authorization ?? '';
  const value = bearerToken(request) ?? /^OAuth\s+(.+)$/i.exec(header.trim())?.[1];
  return value !== undefined && state.sessions.has(value);
}

/** The identity of the sandbox user, as the `id` URL and `/services/oauth2/userinfo` answer it. */
export function identity(state: SalesforceState, url: string): Record<string, unknown> {
  return {
    id: `${url}/id/${SALESFORCE_SANDBOX_ORG_ID}/${state.userId}`,
    user_id: state.userId,
    organization_id: SALESFORCE_SANDBOX_ORG_ID,
    username: SALESFORCE_SANDBOX_USERNAME,
    email: SALESFORCE_SANDBOX_USERNAME,
    display_name: 'Sandbox User',
    active: true,
    user_type: 'STANDARD',
    urls: {
      rest: `${url}/services/data/v{version}/`,
      sobjects: `${url}/services/data/v{version}/sobjects/`,
      query: `${url}/services/data/v{version}/query/`,
      search: `${url}/services/data/v{version}/search/`,
    },
  };
}
