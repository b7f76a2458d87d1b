import { describe, expect, it } from 'vitest';
import { boundaryOf, buildBatchBody, parseBatchResponse } from './batch-payload.js';

describe('buildBatchBody', () => {
  it('writes requests and change sets as multipart/mixed with CRLF line ends', () => {
    const body = buildBatchBody(
      [
        {
          kind: 'request',
          part: { method: 'GET', url: "Products('P-001')", headers: { accept: 'application/json' } },
        },
        {
          kind: 'changeset',
          parts: [
            {
              method: 'POST',
              url: 'Products',
              headers: { 'content-type': 'application/json' },
              body: '{"code":"B-1"}',
              contentId: '1',
            },
          ],
        },
      ],
      'batch_1',
      () => 'changeset_1',
    );
    expect(body).toBe(
      [
        '--batch_1',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        "GET Products('P-001') HTTP/1.1",
        'accept: application/json',
        '',
        '',
        '--batch_1',
        'Content-Type: multipart/mixed; boundary=changeset_1',
        '',
        '--changeset_1',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 1',
        '',
        'POST Products HTTP/1.1',
        'content-type: application/json',
        '',
        '{"code":"B-1"}',
        '--changeset_1--',
        '',
        '--batch_1--',
        '',
      ].join('\r\n'),
    );
  });
});

describe('parseBatchResponse', () => {
  it('reads responses, a change set, and a failed change set answered by one error', () => {
    const body = [
      '--batch_x',
      'content-type: application/http',
      'content-transfer-encoding: binary',
      '',
      'HTTP/1.1 200 OK',
      'content-type: application/json',
      '',
      '{"d":{"code":"P-001"}}',
      '--batch_x',
      'Content-Type: multipart/mixed; boundary=changeset_y',
      '',
      '--changeset_y',
      'Content-Type: application/http',
      'Content-ID: 1',
      '',
      'HTTP/1.1 201 Created',
      'ETag: W/"1"',
      '',
      '{"d":{"code":"B-1"}}',
      '--changeset_y',
      'Content-Type: application/http',
      'Content-ID: 2',
      '',
      'HTTP/1.1 204 No Content',
      '',
      '',
      '--changeset_y--',
      '--batch_x',
      'content-type: application/http',
      'content-id: 2',
      '',
      'HTTP/1.1 500 Internal Server Error',
      'content-type: application/json',
      '',
      '{"error":{"code":"E","message":"multi',
      'line"}}',
      '--batch_x--',
    ].join('\r\n');
    const entries = parseBatchResponse(body, 'multipart/mixed;boundary=batch_x');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      kind: 'response',
      response: { status: 200, body: '{"d":{"code":"P-001"}}' },
    });
    const changeset = entries[1];
    expect(changeset?.kind).toBe('changeset');
    if (changeset?.kind === 'changeset') {
      expect(changeset.responses.map((response) => [response.status, response.contentId])).toEqual([
        [201, '1'],
        [204, '2'],
      ]);
      expect(changeset.responses[0]?.headers.get('etag')).toBe('W/"1"');
      expect(changeset.responses[1]?.body).toBe('');
    }
    expect(entries[2]).toMatchObject({
      kind: 'response',
      response: {
        status: 500,
        statusText: 'Internal Server Error',
        contentId: '2',
        body: '{"error":{"code":"E","message":"multi\r\nline"}}',
      },
    });
  });

  it('reads quoted boundaries and LF-only responses', () => {
    expect(boundaryOf('multipart/mixed; boundary="b 1"')).toBe('b 1');
    const entries = parseBatchResponse(
      '--b\nContent-Type: application/http\n\nHTTP/1.1 404 Not Found\n\n{}\n--b--\n',
      'multipart/mixed; boundary=b',
    );
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'response',
        response: expect.objectContaining({ status: 404, body: '{}' }),
      }),
    ]);
  });

  it('refuses a response that is not multipart', () => {
    expect(() => parseBatchResponse('{}', 'application/json')).toThrow(/not multipart\/mixed/);
  });
});
