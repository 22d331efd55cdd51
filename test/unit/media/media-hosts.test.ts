import { describe, expect, test } from 'vitest';
import { describeUrl, formatBytes, MediaFetchError } from '../../../src/bot/media/errors.js';
import { MediaHostsError, matchMediaHost, parseMediaHosts } from '../../../src/bot/media/media-hosts.js';

function codeFor(url: string, hosts: string): string {
  try {
    return matchMediaHost(new URL(url), parseMediaHosts(hosts), describeUrl(url));
  } catch (error) {
    if (error instanceof MediaFetchError) return error.code;
    throw error;
  }
}

describe('parseMediaHosts', () => {
  test('reads bare hosts, wildcards, https origins and http origins', () => {
    expect(
      parseMediaHosts(
        ' Hoiio.S3.amazonaws.com , *.cdn.example.com,https://media.example:8443,, http://127.0.0.1:4010 ',
      ),
    ).toEqual([
      { kind: 'https', host: 'hoiio.s3.amazonaws.com', port: '', subdomains: false },
      { kind: 'https', host: 'cdn.example.com', port: '', subdomains: true },
      { kind: 'https', host: 'media.example', port: '8443', subdomains: false },
      { kind: 'http-origin', origin: 'http://127.0.0.1:4010' },
    ]);
    expect(parseMediaHosts('')).toEqual([]);
  });

  test.each([
    'hoiio.s3.amazonaws.com/path',
    'http://127.0.0.1:4010/sandbox',
    'https://user:pw@example.com',
    'example.com?x=1',
    'ftp://example.com',
    'exa mple.com',
    'http://',
  ])('rejects %j', (entry) => {
    expect(() => parseMediaHosts(`good.example, ${entry}`)).toThrow(MediaHostsError);
  });
});

describe('matchMediaHost', () => {
  const hosts = 'hoiio.s3.amazonaws.com, *.cdn.example.com, http://127.0.0.1:4010';

  test.each([
    ['https://hoiio.s3.amazonaws.com/infax/fax-1.pdf?Signature=x', 'https'],
    ['https://HOIIO.s3.amazonaws.com:443/a.pdf', 'https'],
    ['https://a.cdn.example.com/r.mp3', 'https'],
    ['https://a.b.cdn.example.com/r.mp3', 'https'],
    ['http://127.0.0.1:4010/sandbox/media/fax.pdf', 'http'],
    ['https://cdn.example.com/r.mp3', 'host_not_allowed'],
    ['https://evilcdn.example.com/r.mp3', 'host_not_allowed'],
    ['https://hoiio.s3.amazonaws.com.evil.com/a.pdf', 'host_not_allowed'],
    ['https://hoiio.s3.amazonaws.com:8443/a.pdf', 'host_not_allowed'],
    ['https://user:pw@hoiio.s3.amazonaws.com/a.pdf', 'host_not_allowed'],
    ['https://127.0.0.1:4010/a.pdf', 'host_not_allowed'],
    ['http://127.0.0.1:4011/a.pdf', 'host_not_allowed'],
    ['http://localhost:4010/a.pdf', 'host_not_allowed'],
    ['http://hoiio.s3.amazonaws.com/a.pdf', 'scheme_not_allowed'],
    ['http://x.cdn.example.com/a.pdf', 'scheme_not_allowed'],
    ['ftp://hoiio.s3.amazonaws.com/a.pdf', 'scheme_not_allowed'],
    ['file:///etc/passwd', 'scheme_not_allowed'],
    ['data:application/pdf,%PDF-', 'scheme_not_allowed'],
  ])('%s -> %s', (url, expected) => {
    expect(codeFor(url, hosts)).toBe(expected);
  });
});

describe('describeUrl', () => {
  test('keeps origin and path, drops credentials, query and fragment', () => {
    expect(describeUrl('https://u:p@hoiio.s3.amazonaws.com/infax/fax-1.pdf?Expires=1&Signature=abc#x')).toBe(
      'https://hoiio.s3.amazonaws.com/infax/fax-1.pdf',
    );
    expect(describeUrl('not a url?Signature=abc')).toBe('<invalid url>');
    expect(describeUrl('data:text/plain,secret')).toBe('data:<opaque>');
  });
});

test('formatBytes', () => {
  expect([formatBytes(2 * 1024 * 1024), formatBytes(25 * 1024 * 1024), formatBytes(1536), formatBytes(900)]).toEqual([
    '2 MB',
    '25 MB',
    '1.5 KB',
    '900 bytes',
  ]);
});
