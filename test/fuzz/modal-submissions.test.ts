/**
 * Modal submissions through the real app: signed `view_submission` payloads with arbitrary values (and arbitrary
 * private_metadata) for every modal. Always a 200 with either field errors or success; never a crash, a 500 or
 * an unhandled error in the logs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_FIELD, CALL_FIELD, FAX_FIELD, INBOUND_FIELD, SMS_FIELD, VIEW } from '../../src/bot/ids.js';
import { interaction } from '../support/slack-requests.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { hostileText } from './support/hostile.js';

const RUNS = 120;
const ADMIN = 'U0ADMIN1';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { ADMIN_USER_IDS: ADMIN, DEFAULT_CHANNEL: 'C0DEFAULT' } });
});
afterAll(async () => {
  await t?.stop();
});

const FIELDS = [
  ...Object.values(SMS_FIELD),
  ...Object.values(FAX_FIELD),
  ...Object.values(CALL_FIELD),
  ...Object.values(INBOUND_FIELD),
  ...Object.values(ADMIN_FIELD),
];

const text = fc.oneof(
  hostileText,
  fc.constantFrom('+65 9123 4567', '+6591234567', '91234567', '30', '10', '50', 'yes'),
);
/** One input's state, in any of the shapes Slack sends (and some it never would). */
const inputState = fc.oneof(
  text.map((value) => ({ type: 'plain_text_input', value })),
  fc.constant({ type: 'plain_text_input', value: null }),
  text.map((value) => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: 'x' } } })),
  fc.constant({ type: 'static_select', selected_option: null }),
  fc
    .array(text, { maxLength: 3 })
    .map((vs) => ({ type: 'checkboxes', selected_options: vs.map((value) => ({ value })) })),
  fc
    .constantFrom('C0SUPPORT', 'G0PRIVATE', 'D0DM', '', 'not-a-channel')
    .map((c) => ({ type: 'conversations_select', selected_conversation: c })),
  fc
    .array(fc.constantFrom('U0ALICE', 'W0BOB', '', '<@U0EVIL>'), { maxLength: 4 })
    .map((u) => ({ type: 'multi_users_select', selected_users: u })),
  fc.array(fc.constantFrom('F0NOFILE', 'F0PDF', ''), { maxLength: 2 }).map((ids) => ({
    type: 'file_input',
    files: ids.map((id) => ({ id, name: 'x.pdf', mimetype: 'application/pdf', filetype: 'pdf', size: 10 })),
  })),
  text.map((t) => ({
    type: 'rich_text_input',
    rich_text_value: {
      type: 'rich_text',
      elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: t }] }],
    },
  })),
  fc.jsonValue(),
);
const values = fc
  .array(fc.tuple(fc.constantFrom(...FIELDS), inputState), { maxLength: FIELDS.length })
  .map((entries) => Object.fromEntries(entries.map(([field, state]) => [field, { [field]: state }])));
const privateMetadata = fc.oneof(
  hostileText,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"channel":"C0SUPPORT"}',
    '{"channel":"C0SUPPORT","threadTs":"1700000000.000100"}',
    `{"by":"${ADMIN}"}`,
    `{"by":"${ADMIN}","editing":"+6531580001"}`,
    '{"id":1,"channel":"C0SUPPORT","thread":"1700000000.000100"}',
    '{"channel":"C0SUPPORT","numbers":["+6591234567"]}',
    '"D0DM"',
  ),
);

test('every modal answers any submission with 200 and either field errors or success', async () => {
  let submissions = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...Object.values(VIEW)),
      values,
      privateMetadata,
      fc.constantFrom('U0ALICE', ADMIN),
      async (callbackId, stateValues, metadata, user) => {
        submissions += 1;
        const res = await t.sendSigned(
          interaction({
            type: 'view_submission',
            user: { id: user, username: 'someone', team_id: 'T0FAKETEAM' },
            trigger_id: `${submissions}.${Date.now()}.fuzz`,
            view: {
              id: `V0FUZZ${submissions}`,
              type: 'modal',
              callback_id: callbackId,
              private_metadata: metadata,
              hash: `h${submissions}`,
              state: { values: stateValues },
              blocks: [],
            },
          }),
        );
        expect(res.status).toBe(200);
        const body = await res.text();
        if (body !== '') {
          const answer = JSON.parse(body) as { response_action?: unknown; errors?: Record<string, unknown> };
          expect(['errors', 'update', 'push', 'clear', undefined]).toContain(answer.response_action);
          if (answer.response_action === 'errors') {
            expect(Object.keys(answer.errors ?? {}).length).toBeGreaterThan(0);
            for (const message of Object.values(answer.errors ?? {})) {
              expect(typeof message).toBe('string');
              expect((message as string).length).toBeGreaterThan(0);
            }
          }
        }
      },
    ),
    { numRuns: RUNS },
  );
  await t.whenIdle();
  const failures = t.logs.filter((l) =>
    /a Slack listener failed|request handler failed|Dispatch failed|unhandled|not acknowledged/i.test(l),
  );
  expect(failures.map((l) => l.slice(0, 500))).toEqual([]);
  expect(submissions).toBeGreaterThanOrEqual(RUNS);
}, 300_000);
