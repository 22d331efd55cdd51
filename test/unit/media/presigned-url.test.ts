import { expect, test } from 'vitest';
import { presignedUrlExpiresAt } from '../../../src/bot/media/presigned-url.js';

test('reads S3 signature v2 Expires', () => {
  const url = 'https://hoiio.s3.amazonaws.com/recordings/rec-100.mp3?Expires=1700000000&AWSAccessKeyId=AK&Signature=x';
  expect(presignedUrlExpiresAt(url)?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
});

test('reads S3 signature v4 X-Amz-Date + X-Amz-Expires', () => {
  const url =
    'https://b.s3.amazonaws.com/infax/fax-1.pdf?X-Amz-Date=20240102T030405Z&X-Amz-Expires=3600&X-Amz-Signature=x';
  expect(presignedUrlExpiresAt(url)?.toISOString()).toBe('2024-01-02T04:04:05.000Z');
});

test.each([
  'https://hoiio.s3.amazonaws.com/fax.pdf',
  'https://hoiio.s3.amazonaws.com/fax.pdf?Expires=soon',
  'https://b.s3.amazonaws.com/f.pdf?X-Amz-Date=yesterday&X-Amz-Expires=60',
  'not a url',
])('is undefined for %s', (url) => {
  expect(presignedUrlExpiresAt(url)).toBeUndefined();
});
