// Custom bootstrap of the fixture server (picked up by `cds serve` from the project root):
// a CSRF token guard like SAP Gateway's, a tiny OAuth 2.0 client-credentials token endpoint,
// fixture-only control endpoints, then the OData V2 adapter in front of CAP's V4 services.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import cov2ap from '@cap-js-community/odata-v2-adapter';
import cds from '@sap/cds';
import express from 'express';

/** OAuth clients the token endpoint accepts (test values, not secrets of anything real). */
const OAUTH_CLIENTS = new Map([['connectorkit-client', 'connectorkit-client-secret']]);
/** The mocked CAP user that requests with a valid bearer token act as. */
const OAUTH_USER = { name: 'oauth-client', password: 'not-used-over-http' };
const TOKEN_TTL_SECONDS = Number(process.env.FIXTURE_TOKEN_TTL_SECONDS ?? 3600);
const CSRF_ENABLED = process.env.FIXTURE_CSRF !== 'off';
const SESSION_COOKIE = 'fixture_session';

const state = {
  /** session id → CSRF token */
  sessions: new Map(),
  /** bearer token → expiry (ms since epoch) */
  tokens: new Map(),
  stats: { csrfFetches: 0, csrfRejections: 0, tokensIssued: 0, tokenRejections: 0 },
};

const MODIFYING = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);

function cookiesOf(request) {
  const cookies = new Map();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  return cookies;
}

function sameText(a, b) {
  const left = Buffer.from(String(a));
  const right = Buffer.from(String(b));
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * CSRF protection as SAP Gateway does it: `x-csrf-token: Fetch` on a GET/HEAD returns a token
 * bound to a session cookie; a modifying request needs that token and that cookie, otherwise
 * it gets 403 with `x-csrf-token: Required`.
 */
function csrfGuard(request, response, next) {
  if (!CSRF_ENABLED || !request.path.startsWith('/odata/')) return next();
  // The V2 adapter forwards each V2 request to the V4 service over HTTP: checked once already.
  if (request.headers['x-cds-odata-version'] === 'v2' && request.path.startsWith('/odata/v4/')) return next();
  const method = request.method.toUpperCase();
  const sent = request.headers['x-csrf-token'];
  if ((method === 'GET' || method === 'HEAD') && typeof sent === 'string' && sent.toLowerCase() === 'fetch') {
    state.stats.csrfFetches++;
    let session = cookiesOf(request).get(SESSION_COOKIE);
    if (session === undefined || !state.sessions.has(session)) {
      session = randomUUID();
      response.append('Set-Cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict`);
    }
    const token = randomBytes(18).toString('base64url');
    state.sessions.set(session, token);
    response.setHeader('x-csrf-token', token);
    return next();
  }
  const effective = String(request.headers['x-http-method'] ?? method).toUpperCase();
  if (!MODIFYING.has(method) && !MODIFYING.has(effective)) return next();
  const session = cookiesOf(request).get(SESSION_COOKIE);
  const expected = session === undefined ? undefined : state.sessions.get(session);
  if (expected !== undefined && typeof sent === 'string' && sameText(sent, expected)) return next();
  state.stats.csrfRejections++;
  response.setHeader('x-csrf-token', 'Required');
  response.status(403).type('text/plain').send('CSRF token validation failed');
}

/** Accepts `Authorization: Bearer <token>` from the token endpoint as the mocked OAuth user. */
function bearerAuthentication(request, response, next) {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^bearer /i.test(header)) return next();
  const token = header.slice(7).trim();
  const expiry = state.tokens.get(token);
  if (expiry === undefined || expiry < Date.now()) {
    state.stats.tokenRejections++;
    response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
    return response.status(401).json({ error: { code: '401', message: 'invalid or expired bearer token' } });
  }
  request.headers.authorization = `Basic ${Buffer.from(`${OAUTH_USER.name}:${OAUTH_USER.password}`).toString('base64')}`;
  next();
}

function tokenEndpoint(request, response) {
  let clientId = request.body?.client_id;
  let clientSecret = request.body?.client_secret;
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const index = decoded.indexOf(':');
    clientId = decodeURIComponent(decoded.slice(0, index));
    clientSecret = decodeURIComponent(decoded.slice(index + 1));
  }
  if (request.body?.grant_type !== 'client_credentials') {
    return response.status(400).json({ error: 'unsupported_grant_type' });
  }
  const expected = OAUTH_CLIENTS.get(clientId);
  if (expected === undefined || typeof clientSecret !== 'string' || !sameText(clientSecret, expected)) {
    return response
      .status(401)
      .json({ error: 'invalid_client', error_description: 'client authentication failed' });
  }
  const token = randomBytes(24).toString('base64url');
  state.tokens.set(token, Date.now() + TOKEN_TTL_SECONDS * 1000);
  state.stats.tokensIssued++;
  response.setHeader('Cache-Control', 'no-store');
  response.json({
    access_token: token,
    token_type: 'bearer',
    expires_in: TOKEN_TTL_SECONDS,
    scope: 'fixture',
  });
}

/** Control endpoints for tests: counters, and ways to invalidate tokens mid-test. */
function fixtureControl() {
  const router = express.Router();
  router.get('/stats', (_request, response) => response.json(state.stats));
  router.post('/csrf/expire', (_request, response) => {
    state.sessions.clear();
    response.status(204).end();
  });
  router.post('/oauth/revoke', (_request, response) => {
    state.tokens.clear();
    response.status(204).end();
  });
  return router;
}

cds.on('bootstrap', (app) => {
  app.post('/oauth/token', express.urlencoded({ extended: false }), tokenEndpoint);
  app.use('/fixture', fixtureControl());
  app.use(bearerAuthentication);
  app.use(csrfGuard);
  app.use(cov2ap());
});

export default cds.server;
