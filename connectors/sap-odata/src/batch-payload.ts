import { ConnectorError } from '@connectorkit/core';

/** One request inside a `$batch`. */
export interface BatchRequestPart {
  readonly method: string;
  /** Relative to the service root (`Orders(1)`), query included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly contentId?: string;
}

/** A request of its own, or a change set (all of its requests succeed or none does). */
export type BatchRequestEntry =
  | { readonly kind: 'request'; readonly part: BatchRequestPart }
  | { readonly kind: 'changeset'; readonly parts: readonly BatchRequestPart[] };

/** One HTTP response inside a `$batch` response. */
export interface BatchResponsePart {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: string;
  readonly contentId?: string;
}

export type BatchResponseEntry =
  | { readonly kind: 'response'; readonly response: BatchResponsePart }
  | { readonly kind: 'changeset'; readonly responses: readonly BatchResponsePart[] };

const CRLF = '\r\n';

/**
 * Writes a `multipart/mixed` batch body (OData V2 §2.2.7.6 / V4 Part 1 §11.7.7): each request
 * an `application/http` part, each change set a nested `multipart/mixed` part.
 */
export function buildBatchBody(
  entries: readonly BatchRequestEntry[],
  boundary: string,
  changesetBoundary: (index: number) => string,
): string {
  const lines: string[] = [];
  entries.forEach((entry, index) => {
    lines.push(`--${boundary}`);
    if (entry.kind === 'request') {
      lines.push(...httpPart(entry.part));
      return;
    }
    const inner = changesetBoundary(index);
    lines.push(`Content-Type: multipart/mixed; boundary=${inner}`, '');
    for (const part of entry.parts) {
      lines.push(`--${inner}`, ...httpPart(part));
    }
    lines.push(`--${inner}--`, '');
  });
  lines.push(`--${boundary}--`, '');
  return lines.join(CRLF);
}

function httpPart(part: BatchRequestPart): string[] {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (part.contentId !== undefined) lines.push(`Content-ID: ${part.contentId}`);
  lines.push('', `${part.method} ${part.url} HTTP/1.1`);
  for (const [name, value] of Object.entries(part.headers)) lines.push(`${name}: ${value}`);
  lines.push('');
  // The line break before the next delimiter belongs to the delimiter, not to the body.
  lines.push(part.body ?? '');
  return lines;
}

/** The boundary parameter of a multipart content type. */
export function boundaryOf(contentType: string | null | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

/** Reads a `multipart/mixed` batch response into responses and change sets, in order. */
export function parseBatchResponse(body: string, contentType: string | null): BatchResponseEntry[] {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined || !/multipart\/mixed/i.test(contentType ?? '')) {
    throw new ConnectorError(
      'UNSUPPORTED',
      `the $batch response is ${contentType ?? 'untyped'}, not multipart/mixed with a boundary`,
    );
  }
  return splitMultipart(body, boundary).map((part): BatchResponseEntry => {
    const { headers, content } = splitHeaders(part);
    const partType = headers.get('content-type') ?? '';
    if (/multipart\/mixed/i.test(partType)) {
      const inner = boundaryOf(partType);
      if (inner === undefined)
        throw new ConnectorError('UNSUPPORTED', 'a change set in the $batch response has no boundary');
      return {
        kind: 'changeset',
        responses: splitMultipart(content, inner).map((changesetPart) => httpResponse(changesetPart)),
      };
    }
    return { kind: 'response', response: httpResponse(part) };
  });
}

/** The parts between `--boundary` lines, up to `--boundary--`. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delimiter}--`) {
      if (current !== undefined) parts.push(current.join(CRLF));
      return parts;
    }
    if (trimmed === delimiter) {
      if (current !== undefined) parts.push(current.join(CRLF));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current !== undefined) parts.push(current.join(CRLF));
  return parts;
}

function splitHeaders(part: string): { headers: Headers; content: string } {
  if (part.startsWith(CRLF)) return { headers: new Headers(), content: part.slice(2) };
  const separator = part.indexOf(`${CRLF}${CRLF}`);
  const head = separator === -1 ? part : part.slice(0, separator);
  const content = separator === -1 ? '' : part.slice(separator + 4);
  const headers = new Headers();
  for (const line of head.split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { headers, content };
}

function httpResponse(part: string): BatchResponsePart {
  const { headers: mimeHeaders, content } = splitHeaders(part);
  const statusLineEnd = content.indexOf(CRLF);
  const statusLine = statusLineEnd === -1 ? content : content.slice(0, statusLineEnd);
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(statusLine.trim());
  if (match === null) {
    throw new ConnectorError(
      'UNSUPPORTED',
      `a $batch response part does not start with an HTTP status line: '${statusLine.slice(0, 80)}'`,
    );
  }
  const { headers, content: body } = splitHeaders(
    statusLineEnd === -1 ? '' : content.slice(statusLineEnd + 2),
  );
  const contentId = mimeHeaders.get('content-id') ?? headers.get('content-id') ?? undefined;
  return {
    status: Number(match[1]),
    statusText: match[2] ?? '',
    headers,
    body: body.replace(/(\r\n)+$/, ''),
    ...(contentId === undefined ? {} : { contentId }),
  };
}
