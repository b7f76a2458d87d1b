import { createSign } from 'node:crypto';
import { ConnectorError, fromHttpStatus, fromNetworkError, Redacted } from '@connectorkit/core';

/** A resolved `auth` setting with the login URL it talks to. */
export type Grant = { readonly loginUrl: string } & (
  | { readonly type: 'clientCredentials'; readonly clientId: string; readonly clientSecret: Redacted }
  | {
      readonly type: 'jwtBearer';
      readonly clientId: string;
      readonly username: string;
      readonly privateKey: Redacted;
      readonly audience?: string | undefined;
    }
  | {
      readonly type: 'refreshToken';
      readonly clientId: string;
      readonly clientSecret?: Redacted | undefined;
      readonly refreshToken: Redacted;
    }
  | {
      readonly type: 'password';
      readonly clientId: string;
      readonly clientSecret: Redacted;
      readonly username: string;
      readonly password: Redacted;
      readonly securityToken?: Redacted | undefined;
    }
  | { readonly type: 'accessToken'; readonly accessToken: Redacted }
);

/** A session: the access token and the instance it belongs to. */
export interface Session {
  readonly accessToken: Redacted;
  readonly instanceUrl: string | undefined;
}

/** OAuth error strings of the token endpoint, by the code a caller can act on. */
const TOKEN_ERRORS: Readonly<
  Record<string, { code: 'AUTH' | 'INVALID_CONFIG' | 'FORBIDDEN'; hint: string }>
> = {
  invalid_grant: {
    code: 'AUTH',
    hint: 'the credentials of `auth` were rejected (wrong user, password, security token, expired refresh token, or a JWT the app does not accept)',
  },
  invalid_client: {
    code: 'AUTH',
    hint: 'check `auth.clientId` and `auth.clientSecret` of the connected app',
  },
  invalid_client_id: { code: 'AUTH', hint: 'check `auth.clientId` (the consumer key of the connected app)' },
  invalid_client_credentials: { code: 'AUTH', hint: 'check `auth.clientSecret` of the connected app' },
  unauthorized_client: { code: 'FORBIDDEN', hint: 'the connected app is not allowed to use this flow' },
  invalid_request: {
    code: 'INVALID_CONFIG',
    hint: 'a parameter of the token request is missing or malformed',
  },
  unsupported_grant_type: {
    code: 'INVALID_CONFIG',
    hint: 'the org does not allow this OAuth flow (`auth.type`)',
  },
  inactive_user: { code: 'AUTH', hint: 'the user is inactive' },
  inactive_org: { code: 'AUTH', hint: 'the org is inactive' },
};

/**
 * Obtains a session with the configured OAuth 2.0 flow (POST {loginUrl}/services/oauth2/token).
 * An `accessToken` configuration has no flow: its token is returned as is, once.
 */
export async function requestSession(grant: Grant, signal: AbortSignal): Promise<Session> {
  if (grant.type === 'accessToken') return { accessToken: grant.accessToken, instanceUrl: undefined };
  const form = new URLSearchParams(tokenParameters(grant));
  const url = `${grant.loginUrl}/services/oauth2/token`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    const network = fromNetworkError(error);
    throw new ConnectorError(
      network?.code ?? 'UNAVAILABLE',
      `Salesforce token request to ${url} failed: ${network?.message ?? (error instanceof Error ? error.message : String(error))}`,
      { vendorCode: network?.vendorCode, cause: error },
    );
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (an HTML error page): the status decides.
  }
  if (!response.ok) {
    const error = typeof body.error === 'string' ? body.error : undefined;
    const description = typeof body.error_description === 'string' ? body.error_description : undefined;
    const rule = error === undefined ? undefined : TOKEN_ERRORS[error];
    const what = `Salesforce sign-in (${grant.type}) at ${grant.loginUrl} failed`;
    if (rule !== undefined || (error !== undefined && response.status < 500)) {
      return Promise.reject(
        new ConnectorError(
          rule?.code ?? 'AUTH',
          `${what}: ${error}${description === undefined ? '' : ` (${description})`}${rule === undefined ? '' : ` — ${rule.hint}`}`,
          { status: response.status, vendorCode: error, path: '$.auth' },
        ),
      );
    }
    throw fromHttpStatus(response.status, `${what}: HTTP ${response.status}`, {
      vendorCode: error ?? `http_${response.status}`,
      retryAfter: response.headers.get('retry-after'),
    });
  }
  if (typeof body.access_token !== 'string') {
    throw new ConnectorError(
      'INTERNAL',
      `Salesforce sign-in (${grant.type}): the token response has no access_token`,
      {
        status: response.status,
      },
    );
  }
  return {
    accessToken: Redacted.make(body.access_token),
    instanceUrl: typeof body.instance_url === 'string' ? body.instance_url : undefined,
  };
}

function tokenParameters(grant: Exclude<Grant, { type: 'accessToken' }>): Record<string, string> {
  switch (grant.type) {
    case 'clientCredentials':
      return {
        grant_type: 'client_credentials',
        client_id: grant.clientId,
        client_secret: Redacted.reveal(grant.clientSecret),
      };
    case 'jwtBearer':
      return {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: signJwt(grant),
      };
    case 'refreshToken':
      return {
        grant_type: 'refresh_token',
        client_id: grant.clientId,
        refresh_token: Redacted.reveal(grant.refreshToken),
        ...(grant.clientSecret === undefined ? {} : { client_secret: Redacted.reveal(grant.clientSecret) }),
      };
    case 'password':
      return {
        grant_type: 'password',
        client_id: grant.clientId,
        client_secret: Redacted.reveal(grant.clientSecret),
        username: grant.username,
        password:
          Redacted.reveal(grant.password) +
          (grant.securityToken === undefined ? '' : Redacted.reveal(grant.securityToken)),
      };
  }
}

/** The RS256 assertion of the JWT bearer flow: issued by the app, for the user, valid three minutes. */
export function signJwt(grant: Extract<Grant, { type: 'jwtBearer' }>, now: number = Date.now()): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'RS256', typ: 'JWT' });
  const claims = encode({
    iss: grant.clientId,
    sub: grant.username,
    aud: grant.audience ?? grant.loginUrl,
    exp: Math.floor(now / 1000) + 180,
  });
  let signature: string;
  try {
    signature = createSign('RSA-SHA256')
      .update(`${header}.${claims}`)
      .sign(Redacted.reveal(grant.privateKey), 'base64url');
  } catch (error) {
    // The crypto error names the key format problem, never the key.
    throw new ConnectorError(
      'INVALID_CONFIG',
      `\`auth.privateKey\` cannot sign the JWT: ${error instanceof Error ? error.message : String(error)} — expected a PEM RSA private key`,
      { path: '$.auth.privateKey' },
    );
  }
  return `${header}.${claims}.${signature}`;
}

function abortError(signal: AbortSignal): ConnectorError {
  const reason = signal.reason as { name?: unknown } | undefined;
  return reason?.name === 'TimeoutError'
    ? new ConnectorError('TIMEOUT', 'the Salesforce token request timed out', { cause: signal.reason })
    : new ConnectorError('CANCELLED', 'the Salesforce token request was cancelled', { cause: signal.reason });
}
