import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { signHoiioBody, verifyHoiioSignature } from '../../../src/hoiio/webhook-signature.js';

const TOKEN = 'tok_3f9a8c1e';
const BODY = 'rate=0.032&dest=%2B6500000000&tag=&sms_status=delivered&txn_ref=AA-S-471804&currency=SGD';

describe('signHoiioBody', () => {
  test('is lowercase hex HMAC-SHA256 keyed by the access token (RFC 4231-style known vector)', () => {
    expect(signHoiioBody('The quick brown fox jumps over the lazy dog', 'key')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  test('a string and its UTF-8 bytes sign the same', () => {
    const body = 'msg=%E4%BD%A0%E5%A5%BD&note=café';
    expect(signHoiioBody(new TextEncoder().encode(body), TOKEN)).toBe(signHoiioBody(body, TOKEN));
  });
});

describe('verifyHoiioSignature', () => {
  test('round trip', () => {
    expect(verifyHoiioSignature(BODY, signHoiioBody(BODY, TOKEN), TOKEN)).toBe(true);
    const bytes = new TextEncoder().encode(BODY);
    expect(verifyHoiioSignature(bytes, signHoiioBody(bytes, TOKEN), TOKEN)).toBe(true);
  });

  test('hex case and surrounding spaces do not matter', () => {
    expect(verifyHoiioSignature(BODY, ` ${signHoiioBody(BODY, TOKEN).toUpperCase()} `, TOKEN)).toBe(true);
  });

  test('a tampered body, another token or another signature fails', () => {
    const sig = signHoiioBody(BODY, TOKEN);
    expect(verifyHoiioSignature(BODY.replace('delivered', 'failed'), sig, TOKEN)).toBe(false);
    expect(verifyHoiioSignature(`${BODY}&x=1`, sig, TOKEN)).toBe(false);
    expect(verifyHoiioSignature(BODY, sig, 'other-token')).toBe(false);
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(verifyHoiioSignature(BODY, flipped, TOKEN)).toBe(false);
  });

  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['too short', 'abc123'],
    ['too long', 'a'.repeat(66)],
    ['not hex', 'z'.repeat(64)],
    ['prefixed', `sha256=${'a'.repeat(64)}`],
  ])('false for a %s header', (_name, header) => {
    expect(verifyHoiioSignature(BODY, header, TOKEN)).toBe(false);
  });

  test('false with an empty access token, even for a signature made with it', () => {
    expect(verifyHoiioSignature(BODY, signHoiioBody(BODY, ''), '')).toBe(false);
  });

  test('property: any body round-trips, and any change of body is detected', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (body, token, suffix) => {
          const sig = signHoiioBody(body, token);
          expect(verifyHoiioSignature(body, sig, token)).toBe(true);
          expect(verifyHoiioSignature(body + suffix, sig, token)).toBe(false);
        },
      ),
    );
  });

  test('property: never throws on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (header) => {
        expect(verifyHoiioSignature(BODY, header, TOKEN)).toBe(false);
      }),
    );
  });
});
