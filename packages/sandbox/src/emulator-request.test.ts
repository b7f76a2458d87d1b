import { describe, expect, it } from 'vitest';
import { BodyError, bearerToken, decodeBody, parseMultipart } from './emulator-request.js';

describe('decodeBody', () => {
  it('parses a multipart body with fields and binary files', () => {
    const boundary = 'XyZ';
    const binary = Buffer.from([0, 1, 2, 13, 10, 255]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nQ3 report\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="body"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      binary,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const parsed = parseMultipart(body, boundary);
    expect(parsed.params).toEqual({ title: 'Q3 report' });
    expect(parsed.files).toHaveLength(1);
    expect(parsed.files[0]).toMatchObject({
      field: 'body',
      filename: 'a.bin',
      contentType: 'application/octet-stream',
    });
    expect(parsed.files[0]?.data.equals(binary)).toBe(true);
  });

  it('rejects broken bodies with a BodyError', () => {
    expect(() => decodeBody({ 'content-type': 'application/json' }, Buffer.from('{'))).toThrow(BodyError);
    expect(() => decodeBody({ 'content-type': 'multipart/form-data' }, Buffer.from('x'))).toThrow(/boundary/);
    expect(() =>
      parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'), 'b'),
    ).toThrow(/not terminated/);
  });

  it('keeps unknown content types raw and reads bearer tokens', () => {
    expect(decodeBody({ 'content-type': 'text/plain' }, Buffer.from('hi'))).toEqual({
      params: {},
      files: [],
      isJson: false,
    });
    expect(bearerToken({ headers: { authorization: 'Bearer xoxb-1' } })).toBe('xoxb-1');
    expect(bearerToken({ headers: { authorization: 'Basic abc' } })).toBeUndefined();
    expect(bearerToken({ headers: {} })).toBeUndefined();
  });
});
