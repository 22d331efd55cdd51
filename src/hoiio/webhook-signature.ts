/**
 * `X-Hoiio-Signature` (hoiio-api.md §5.1): lowercase hex of HMAC-SHA256 over the raw HTTP body,
 * keyed by the application's access token. Verification hashes the exact bytes received.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The name of the header Hoiio signs notifications with (lower case, as Node presents headers). */
export const HOIIO_SIGNATURE_HEADER = 'x-hoiio-signature';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

function mac(rawBody: string | Uint8Array, accessToken: string): Buffer {
  return createHmac('sha256', accessToken)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest();
}

/** The signature Hoiio would send for `rawBody`: lowercase hex HMAC-SHA256 keyed by `accessToken`. */
export function signHoiioBody(rawBody: string | Uint8Array, accessToken: string): string {
  return mac(rawBody, accessToken).toString('hex');
}

/**
 * Whether `header` is the valid signature of `rawBody`. Compares in constant time; returns false
 * (never throws) for a missing, empty or malformed header. Hex case is not significant.
 */
export function verifyHoiioSignature(
  rawBody: string | Uint8Array,
  header: string | undefined,
  accessToken: string,
): boolean {
  if (typeof header !== 'string') return false;
  const given = header.trim();
  if (!HEX_SHA256.test(given)) return false;
  if (typeof accessToken !== 'string' || accessToken === '') return false;
  const expected = mac(rawBody, accessToken);
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}
