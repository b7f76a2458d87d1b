import {
  ConnectorError,
  type ErrorCode,
  fromHttpStatus,
  fromNetworkError,
  isConnectorError,
  toConnectorError,
} from '@connectorkit/core';

interface SlackErrorRule {
  readonly code: ErrorCode;
  /** How to fix it, appended to the message. */
  readonly hint?: string;
}

const REINSTALL = 'the token is no longer valid — reinstall the app to the workspace, or set a fresh `token`';

/**
 * Slack's `error` strings (the `{ ok: false, error }` body of the Web API) by the code a caller can
 * act on. Strings not listed here become INTERNAL with the string kept as `vendorCode`.
 */
export const SLACK_ERROR_RULES: Readonly<Record<string, SlackErrorRule>> = {
  // Credentials
  not_authed: {
    code: 'AUTH',
    hint: 'no token was sent — set `token` of the connection (a bot token, xoxb-…)',
  },
  invalid_auth: {
    code: 'AUTH',
    hint: 'Slack does not accept the token — check `token` of the connection (a bot token, xoxb-…)',
  },
  account_inactive: { code: 'AUTH', hint: REINSTALL },
  token_revoked: { code: 'AUTH', hint: REINSTALL },
  token_expired: { code: 'AUTH', hint: REINSTALL },
  invalid_token: { code: 'AUTH', hint: 'check `token` of the connection' },
  org_login_required: { code: 'AUTH', hint: 'the workspace is migrating; try again in a few minutes' },
  // Permissions
  missing_scope: {
    code: 'FORBIDDEN',
    hint: 'add the scope to the app (OAuth & Permissions) and reinstall it',
  },
  not_allowed_token_type: {
    code: 'FORBIDDEN',
    hint: 'this method needs another kind of token (bot or user)',
  },
  no_permission: { code: 'FORBIDDEN' },
  access_denied: { code: 'FORBIDDEN' },
  ekm_access_denied: { code: 'FORBIDDEN' },
  team_access_not_granted: { code: 'FORBIDDEN' },
  restricted_action: { code: 'FORBIDDEN', hint: 'a workspace preference forbids it' },
  restricted_action_read_only_channel: { code: 'FORBIDDEN', hint: 'the channel is read-only' },
  restricted_action_thread_only_channel: {
    code: 'FORBIDDEN',
    hint: 'the channel accepts thread replies only',
  },
  restricted_action_non_threadable_channel: { code: 'FORBIDDEN', hint: 'the channel does not allow threads' },
  not_in_channel: {
    code: 'FORBIDDEN',
    hint: 'the bot is not a member of the channel — invite it (/invite @your-app) or call conversations.join',
  },
  cant_update_message: { code: 'FORBIDDEN', hint: 'a bot can only edit its own messages' },
  cant_delete_message: { code: 'FORBIDDEN', hint: 'a bot can only delete its own messages' },
  edit_window_closed: { code: 'FORBIDDEN', hint: 'the workspace no longer allows editing this message' },
  // Not found
  channel_not_found: {
    code: 'NOT_FOUND',
    hint: 'check the channel id (private channels are visible to members only)',
  },
  user_not_found: { code: 'NOT_FOUND', hint: 'check the user id (U…)' },
  users_not_found: { code: 'NOT_FOUND', hint: 'no user of the workspace has this email address' },
  message_not_found: { code: 'NOT_FOUND', hint: 'check channel and ts of the message' },
  thread_not_found: { code: 'NOT_FOUND', hint: 'check channel and ts of the thread parent' },
  file_not_found: { code: 'NOT_FOUND' },
  team_not_found: { code: 'NOT_FOUND' },
  unknown_method: { code: 'NOT_FOUND', hint: 'Slack has no Web API method of this name' },
  // Conflicts
  name_taken: { code: 'CONFLICT', hint: 'a channel of this name exists (maybe archived)' },
  already_in_channel: { code: 'CONFLICT' },
  already_reacted: { code: 'CONFLICT' },
  no_reaction: { code: 'CONFLICT' },
  is_archived: { code: 'CONFLICT', hint: 'the channel is archived — unarchive it first' },
  already_archived: { code: 'CONFLICT' },
  // Invalid input
  invalid_arguments: { code: 'INVALID_INPUT' },
  invalid_arg_name: { code: 'INVALID_INPUT' },
  invalid_array_arg: { code: 'INVALID_INPUT' },
  invalid_charset: { code: 'INVALID_INPUT' },
  invalid_form_data: { code: 'INVALID_INPUT' },
  invalid_json: { code: 'INVALID_INPUT' },
  json_not_object: { code: 'INVALID_INPUT' },
  invalid_post_type: { code: 'INVALID_INPUT' },
  missing_post_type: { code: 'INVALID_INPUT' },
  invalid_cursor: { code: 'INVALID_INPUT', hint: 'cursors expire; start again without `cursor`' },
  invalid_types: { code: 'INVALID_INPUT' },
  invalid_ts_latest: { code: 'INVALID_INPUT' },
  invalid_ts_oldest: { code: 'INVALID_INPUT' },
  invalid_name: { code: 'INVALID_INPUT' },
  invalid_name_required: { code: 'INVALID_INPUT', hint: 'a channel needs a name' },
  invalid_name_specials: {
    code: 'INVALID_INPUT',
    hint: 'channel names may hold lowercase letters, digits, hyphens and underscores only',
  },
  invalid_name_maxlength: { code: 'INVALID_INPUT', hint: 'channel names are at most 80 characters' },
  invalid_name_punctuation: { code: 'INVALID_INPUT', hint: 'a channel name needs a letter or digit' },
  invalid_blocks: { code: 'INVALID_INPUT', hint: 'check the blocks with Block Kit Builder' },
  invalid_blocks_format: { code: 'INVALID_INPUT', hint: '`blocks` must be an array of block objects' },
  invalid_attachments: { code: 'INVALID_INPUT' },
  invalid_metadata_format: { code: 'INVALID_INPUT' },
  msg_too_long: { code: 'INVALID_INPUT', hint: 'message text is limited to 40 000 characters' },
  no_text: { code: 'INVALID_INPUT', hint: 'give `text` or `blocks`' },
  too_many_attachments: { code: 'INVALID_INPUT' },
  too_many_users: { code: 'INVALID_INPUT', hint: 'invite at most 1 000 users at once' },
  cant_invite_self: { code: 'INVALID_INPUT', hint: 'the bot cannot invite itself — use conversations.join' },
  user_not_in_channel: {
    code: 'INVALID_INPUT',
    hint: 'an ephemeral message goes to a member of the channel',
  },
  user_is_deleted: { code: 'INVALID_INPUT' },
  method_not_supported_for_channel_type: { code: 'INVALID_INPUT' },
  no_item_specified: { code: 'INVALID_INPUT' },
  too_many_reactions: { code: 'INVALID_INPUT' },
  time_in_past: { code: 'INVALID_INPUT', hint: '`postAt` must be in the future' },
  time_too_far: { code: 'INVALID_INPUT', hint: '`postAt` may be at most 120 days ahead' },
  invalid_time: { code: 'INVALID_INPUT', hint: '`postAt` must be a Unix timestamp in seconds' },
  invalid_scheduled_message_id: { code: 'NOT_FOUND' },
  cannot_reply_to_message: { code: 'INVALID_INPUT' },
  // Throttling and outages
  ratelimited: { code: 'RATE_LIMITED' },
  rate_limited: { code: 'RATE_LIMITED' },
  message_limit_exceeded: { code: 'RATE_LIMITED' },
  restricted_too_many: {
    code: 'RATE_LIMITED',
    hint: 'at most 30 messages may be scheduled per channel within 5 minutes',
  },
  fatal_error: { code: 'UNAVAILABLE' },
  internal_error: { code: 'UNAVAILABLE' },
  service_unavailable: { code: 'UNAVAILABLE' },
  team_added_to_org: { code: 'UNAVAILABLE', hint: 'the workspace is being migrated; try again later' },
  request_timeout: { code: 'TIMEOUT' },
};

/** The SDK's error codes (`@slack/web-api` `ErrorCode`), spelled out so that this module needs no value import. */
const SDK_CODES = {
  request: 'slack_webapi_request_error',
  http: 'slack_webapi_http_error',
  platform: 'slack_webapi_platform_error',
  rateLimited: 'slack_webapi_rate_limited_error',
  uploadArguments: 'slack_webapi_file_upload_invalid_args_error',
  uploadData: 'slack_webapi_file_upload_read_file_data_error',
} as const;

/** What of an SDK failure is kept as `cause`: never the request (its headers carry the token). */
export class SlackSdkError extends Error {
  override readonly name = 'SlackSdkError';
  constructor(
    message: string,
    /** The SDK's error code (`slack_webapi_platform_error` …). */
    readonly code: string | undefined,
    /** The Web API body of a platform error (`{ ok: false, error, … }`). */
    readonly data: unknown,
    readonly statusCode: number | undefined,
    /** For request errors: the underlying network error's code (`ECONNREFUSED` …). */
    readonly originalCode: string | undefined,
  ) {
    super(message);
  }
}

interface SdkFailure {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly data?: unknown;
  readonly statusCode?: unknown;
  readonly headers?: unknown;
  readonly retryAfter?: unknown;
  readonly original?: unknown;
}

/** A copy of an SDK error without the request it carries: axios keeps `Authorization: Bearer …` there. */
function sanitized(error: SdkFailure): SlackSdkError {
  const original = error.original as { code?: unknown; message?: unknown } | undefined;
  const copy = new SlackSdkError(
    typeof error.message === 'string' ? error.message : 'Slack SDK error',
    typeof error.code === 'string' ? error.code : undefined,
    error.data,
    typeof error.statusCode === 'number' ? error.statusCode : undefined,
    typeof original?.code === 'string' ? original.code : undefined,
  );
  if (original !== undefined) {
    copy.cause = Object.assign(
      new Error(typeof original.message === 'string' ? original.message : 'request failed'),
      {
        code: original.code,
      },
    );
  }
  return copy;
}

/**
 * Maps whatever `@slack/web-api` throws onto a `ConnectorError`:
 * - a platform error (`{ ok: false, error }`) by Slack's error string ({@link SLACK_ERROR_RULES}),
 *   INTERNAL for strings it does not know;
 * - a rate-limited error (429) to RATE_LIMITED with `retryAfterMs` from `Retry-After`;
 * - an HTTP error by its status (5xx → UNAVAILABLE, 504 → TIMEOUT);
 * - a request error by its network cause (UNAVAILABLE, TIMEOUT; CANCELLED when aborted).
 *
 * The SDK error is kept as `cause` without its request, so that no token travels with it.
 */
export function toSlackError(error: unknown, method?: string): ConnectorError {
  if (isConnectorError(error)) return error;
  if (error === null || typeof error !== 'object') return toConnectorError(error);
  const failure = error as SdkFailure;
  const what = method === undefined ? 'Slack' : `Slack ${method}`;
  switch (failure.code) {
    case SDK_CODES.platform: {
      const data = (failure.data ?? {}) as { error?: unknown; needed?: unknown; provided?: unknown };
      const slackError = typeof data.error === 'string' ? data.error : 'unknown_error';
      return fromSlackErrorString(slackError, what, data, sanitized(failure));
    }
    case SDK_CODES.rateLimited: {
      const seconds = typeof failure.retryAfter === 'number' ? failure.retryAfter : undefined;
      return new ConnectorError(
        'RATE_LIMITED',
        `${what}: rate limited (HTTP 429)${seconds === undefined ? '' : ` — Slack asks to wait ${seconds} s`}`,
        {
          status: 429,
          vendorCode: 'ratelimited',
          retryAfterMs: seconds === undefined ? undefined : seconds * 1000,
          cause: sanitized(failure),
        },
      );
    }
    case SDK_CODES.http: {
      const status = typeof failure.statusCode === 'number' ? failure.statusCode : 500;
      const headers = (failure.headers ?? {}) as Record<string, unknown>;
      const retryAfter = typeof headers['retry-after'] === 'string' ? headers['retry-after'] : undefined;
      return fromHttpStatus(status, `${what}: HTTP ${status} from Slack`, {
        vendorCode: `http_${status}`,
        cause: sanitized(failure),
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });
    }
    case SDK_CODES.request: {
      const cause = sanitized(failure);
      if (cause.originalCode === 'ERR_CANCELED') {
        return new ConnectorError('CANCELLED', `${what}: the request was cancelled`, { cause });
      }
      const network = fromNetworkError(failure.original, { cause });
      if (network !== undefined)
        return new ConnectorError(network.code, `${what}: ${network.message}`, {
          vendorCode: network.vendorCode,
          cause,
        });
      return new ConnectorError('UNAVAILABLE', `${what}: the request failed — ${cause.message}`, { cause });
    }
    case SDK_CODES.uploadArguments:
    case SDK_CODES.uploadData:
      return new ConnectorError('INVALID_INPUT', `${what}: ${String(failure.message)}`, {
        cause: sanitized(failure),
      });
    default:
      return toConnectorError(error);
  }
}

/** Maps one Slack error string (as found in `{ ok: false, error }`). */
export function fromSlackErrorString(
  slackError: string,
  what = 'Slack',
  data: { needed?: unknown; provided?: unknown } = {},
  cause?: unknown,
): ConnectorError {
  const rule = SLACK_ERROR_RULES[slackError];
  let hint = rule?.hint;
  if (slackError === 'missing_scope' && typeof data.needed === 'string') {
    hint = `the app needs the scope '${data.needed}'${typeof data.provided === 'string' ? ` (it has: ${data.provided})` : ''} — add it under OAuth & Permissions and reinstall the app`;
  }
  return new ConnectorError(
    rule?.code ?? 'INTERNAL',
    `${what} failed: ${slackError}${hint === undefined ? '' : ` — ${hint}`}`,
    {
      status: 200,
      vendorCode: slackError,
      cause,
    },
  );
}
