import type { IncomingHttpHeaders } from 'node:http';

/** A file part of a multipart/form-data body. */
export interface UploadedFile {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string | undefined;
  readonly data: Buffer;
}

/** One request as an emulator sees it: the body already read and decoded. */
export interface EmulatorRequest {
  readonly method: string;
  /** The URL path without the query string, e.g. `/api/chat.postMessage`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The body as received. */
  readonly body: Buffer;
  /**
   * Query parameters and body fields in one record: strings from a query, a form or a
   * multipart body; any JSON value from a JSON object body (body fields win).
   */
  readonly params: Readonly<Record<string, unknown>>;
  /** The file parts of a multipart body. */
  readonly files: readonly UploadedFile[];
  /** True when the body was JSON. */
  readonly isJson: boolean;
}

/** A body the emulator could not decode (answered with 400 by the server). */
export class BodyError extends Error {
  override readonly name = 'BodyError';
}

/** Decodes a request body by its content type. */
export function decodeBody(
  headers: IncomingHttpHeaders,
  body: Buffer,
): Pick<EmulatorRequest, 'params' | 'files' | 'isJson'> {
  const contentType = headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.length === 0) return { params: {}, files: [], isJson: false };
  if (mediaType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BodyError('the body is not valid JSON');
    }
    const params = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
    return { params: params as Record<string, unknown>, files: [], isJson: true };
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    return {
      params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))),
      files: [],
      isJson: false,
    };
  }
  if (mediaType === 'multipart/form-data') {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (boundary === undefined) throw new BodyError('multipart body without a boundary');
    return { ...parseMultipart(body, boundary), isJson: false };
  }
  return { params: {}, files: [], isJson: false };
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** A small multipart/form-data parser (RFC 7578): fields become strings, file parts `UploadedFile`s. */
export function parseMultipart(
  body: Buffer,
  boundary: string,
): { params: Record<string, string>; files: UploadedFile[] } {
  const delimiter = Buffer.from(`--${boundary}`);
  const params: Record<string, string> = {};
  const files: UploadedFile[] = [];
  let position = body.indexOf(delimiter);
  if (position === -1) throw new BodyError('multipart body without its boundary');
  while (position !== -1) {
    const partStart = position + delimiter.length;
    // `--boundary--` closes the body.
    if (body[partStart] === 0x2d && body[partStart + 1] === 0x2d) break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) throw new BodyError('multipart body is not terminated');
    // A part is CRLF headers CRLF CRLF content CRLF, between two delimiters.
    const part = body.subarray(partStart + CRLF.length, next - CRLF.length);
    const headerEnd = part.indexOf(HEADER_END);
    if (headerEnd === -1) throw new BodyError('multipart part without headers');
    const headers = parsePartHeaders(part.subarray(0, headerEnd).toString('utf8'));
    const content = part.subarray(headerEnd + HEADER_END.length);
    const disposition = headers['content-disposition'] ?? '';
    const field = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (field !== undefined) {
      if (filename === undefined) params[field] = content.toString('utf8');
      else files.push({ field, filename, contentType: headers['content-type'], data: Buffer.from(content) });
    }
    position = next;
  }
  return { params, files };
}

function parsePartHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The bearer token of the `Authorization` header, if any. */
export function bearerToken(request: Pick<EmulatorRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}
