import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { explainFaxError, FAX_ERROR_CODES } from '../../../src/hoiio/fax-errors.js';
import { HoiioNotificationError, mergeParams, parseNotification } from '../../../src/hoiio/notifications.js';
import * as fx from '../../fixtures/notifications/index.js';

describe('mergeParams', () => {
  test('the body wins over the query string; query-only keys are kept', () => {
    const merged = mergeParams(
      new URLSearchParams('app_state=gather&sms_status=queued'),
      new URLSearchParams('sms_status=delivered&txn_ref=AA-S-1'),
    );
    expect(merged).toEqual({ sms_status: 'delivered', txn_ref: 'AA-S-1', app_state: 'gather' });
  });

  test('parameters sent in both places (as the sandbox does) parse the same as either alone', () => {
    const both = parseNotification(mergeParams(fx.params(fx.capturedCallEnded), fx.params(fx.capturedCallEnded)));
    const queryOnly = parseNotification(mergeParams(fx.params(fx.capturedCallEnded), new URLSearchParams()));
    const bodyOnly = parseNotification(mergeParams(new URLSearchParams(), fx.params(fx.capturedCallEnded)));
    expect(both).toEqual(queryOnly);
    expect(both).toEqual(bodyOnly);
  });

  test('within one source the first value of a repeated key is kept', () => {
    expect(mergeParams(new URLSearchParams('a=1&a=2'), new URLSearchParams('b=3&b=4'))).toEqual({ a: '1', b: '3' });
  });

  test('decodes + and percent escapes, keeps empty values', () => {
    expect(mergeParams(new URLSearchParams(), new URLSearchParams('date=2012-06-06+11%3A15%3A20.0&tag='))).toEqual({
      date: '2012-06-06 11:15:20.0',
      tag: '',
    });
  });
});

describe('explainFaxError', () => {
  test('every documented code has its own plain-language explanation', () => {
    const texts = FAX_ERROR_CODES.map((code) => explainFaxError(code));
    expect(new Set(texts).size).toBe(FAX_ERROR_CODES.length);
    for (const text of texts) {
      expect(text).toMatch(/^[A-Z].*\.$/);
      expect(text).not.toMatch(/_/); // no raw snake_case code shown to people
    }
  });

  test('unknown and missing codes get the generic explanation, without echoing the code', () => {
    const generic = explainFaxError(undefined);
    expect(generic).toMatch(/did not explain/);
    expect(explainFaxError('')).toBe(generic);
    expect(explainFaxError('<b>weird</b>')).toBe(generic);
    expect(explainFaxError(' BUSY ')).toBe(explainFaxError('busy'));
  });
});

const KNOWN_KEYS = [
  'txn_ref',
  'bulk_txn_ref',
  'tag',
  'dest',
  'dest1',
  'dest2',
  'from',
  'to',
  'msg',
  'sms_status',
  'call_status_dest1',
  'call_status_dest2',
  'ivr_block',
  'session',
  'call_state',
  'digits',
  'record_status',
  'record_url',
  'monitor_url',
  'transfer_status',
  'dial_status',
  'room',
  'fax_status',
  'fax_url',
  'fax_pages',
  'fax_error_code',
  'date',
  'duration',
  'split_count',
  'currency',
  'rate',
  'debit',
  '__proto__',
  'constructor',
  'toString',
];

const plausibleValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    'AA-C-1',
    'S1',
    'ongoing',
    'ended',
    'ringing',
    'answered',
    'failed',
    'success',
    'delivered',
    'gather',
    'record',
    'answer',
    '2012-06-06 11:15:20.0',
    '2012-02-30 00:00:00',
    '0.032',
    '1e3',
    'SGD',
    '+6591234567',
    'https://hoiio.s3.amazonaws.com/r.mp3',
    'file_err',
    '12#',
  ),
);

const hint = fc.constantFrom(undefined, 'sms', 'voice', 'fax', 'status');

function onlyNotificationErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HoiioNotificationError);
    expect((error as HoiioNotificationError).code).toBe('hoiio_notification_invalid');
  }
}

describe('parseNotification properties', () => {
  test('never throws anything but HoiioNotificationError for plausible payloads', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 12 })), plausibleValue, {
          maxKeys: 14,
        }),
        hint,
        (params, h) => {
          onlyNotificationErrors(() => {
            const n = parseNotification(params, h as never);
            expect(['sms.status', 'sms.incoming', 'call.status', 'ivr', 'fax.outgoing', 'fax.incoming']).toContain(
              n.kind,
            );
            expect(typeof n.txnRef).toBe('string');
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('real notifications with one field changed or removed: a notification or HoiioNotificationError', () => {
    const fixtures = Object.values(fx).flatMap((v) => (typeof v === 'string' ? [v] : []));
    let parsed = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.constantFrom(...KNOWN_KEYS),
        fc.option(plausibleValue, { nil: undefined }),
        hint,
        (encoded, key, value, h) => {
          const params: Record<string, string> = mergeParams(fx.params(encoded), new URLSearchParams());
          if (value === undefined) delete params[key];
          else Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
          onlyNotificationErrors(() => {
            parseNotification(params, h as never);
            parsed += 1;
          });
        },
      ),
      { numRuns: 2000 },
    );
    expect(parsed).toBeGreaterThan(100); // the property also exercised successful parses
  });

  test('never throws anything but HoiioNotificationError for anything at all', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), hint, (value, h) => {
        onlyNotificationErrors(() => parseNotification(value as Record<string, string>, h as never));
      }),
      { numRuns: 1000 },
    );
  });

  test('a parsed notification keeps every parameter in raw and every unknown one in extra', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.string({ maxLength: 20 }), { maxKeys: 5 }),
        (extra) => {
          const params = { ...mergeParams(fx.params(fx.capturedSmsDelivered), new URLSearchParams()), ...extra };
          const n = parseNotification(params);
          expect(n.raw).toEqual(params);
          expect(n.extra).toEqual(extra);
        },
      ),
    );
  });
});
