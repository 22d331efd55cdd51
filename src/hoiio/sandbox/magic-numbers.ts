/**
 * Destination numbers (and notify hosts) on which the sandbox fails in a chosen way, so tests and
 * demos can show every outcome. Any other valid number succeeds: SMS are delivered, calls are
 * answered, faxes go through.
 */

/** What a magic number does when an application sends to it. */
export type SandboxMagicBehaviour =
  | 'sms_failed'
  | 'sms_queued'
  | 'sms_error'
  | 'busy'
  | 'unanswered'
  | 'failed'
  | 'long_call'
  | 'fax_busy'
  | 'fax_unanswered'
  | 'fax_file_err'
  | 'fax_non_recoverable'
  | 'fax_cannot_establish_transmission'
  | 'not_supported';

/** One magic number: what it does and where it applies. */
export interface SandboxMagicNumber {
  readonly behaviour: SandboxMagicBehaviour;
  /** Which requests honour it. */
  readonly appliesTo: readonly ('sms' | 'call' | 'ivr' | 'conference' | 'fax')[];
  /** One line for people (shown on the console page). */
  readonly description: string;
}

/**
 * The magic destination numbers. Every one is a valid Singapore number, so it passes E.164
 * validation and only fails where described:
 * - SMS (`sms/send`, `sms/bulk_send`): `+6590000031` fails delivery, `+6590000032` stays `queued`
 *   (no delivery report), `+6590000033` ends in `error`.
 * - Calls (`voice/call` either leg, `voice/conference`, `conference/call`, `ivr/start/dial`,
 *   `ivr/end/transfer`): `+6590000011` is busy, `+6590000012` does not answer, `+6590000013` fails,
 *   `+6590000014` answers and stays on the line until `voice/hangup` (or an IVR hangup).
 * - Faxes (`fax/send`): `+6560000021` busy, `+6560000022` unanswered, `+6560000023` `file_err`,
 *   `+6560000024` `non_recoverable`, `+6560000025` `cannot_establish_transmission`.
 * - Everywhere: `+6590000040` answers `error_dest_not_supported`.
 */
export const SANDBOX_MAGIC_NUMBERS: Readonly<Record<string, SandboxMagicNumber>> = {
  '+6590000011': { behaviour: 'busy', appliesTo: ['call', 'ivr', 'conference'], description: 'call: busy' },
  '+6590000012': {
    behaviour: 'unanswered',
    appliesTo: ['call', 'ivr', 'conference'],
    description: 'call: rings out unanswered',
  },
  '+6590000013': { behaviour: 'failed', appliesTo: ['call', 'ivr', 'conference'], description: 'call: fails' },
  '+6590000014': {
    behaviour: 'long_call',
    appliesTo: ['call', 'ivr', 'conference'],
    description: 'call: answers and stays on the line until hung up (voice/hangup)',
  },
  '+6560000021': { behaviour: 'fax_busy', appliesTo: ['fax'], description: 'fax: busy (fax_error_code busy)' },
  '+6560000022': { behaviour: 'fax_unanswered', appliesTo: ['fax'], description: 'fax: unanswered' },
  '+6560000023': {
    behaviour: 'fax_file_err',
    appliesTo: ['fax'],
    description: 'fax: failed, fax_error_code file_err (PDF not convertible)',
  },
  '+6560000024': {
    behaviour: 'fax_non_recoverable',
    appliesTo: ['fax'],
    description: 'fax: failed, fax_error_code non_recoverable',
  },
  '+6560000025': {
    behaviour: 'fax_cannot_establish_transmission',
    appliesTo: ['fax'],
    description: 'fax: failed, fax_error_code cannot_establish_transmission',
  },
  '+6590000031': { behaviour: 'sms_failed', appliesTo: ['sms'], description: 'SMS: queued, then failed' },
  '+6590000032': {
    behaviour: 'sms_queued',
    appliesTo: ['sms'],
    description: 'SMS: stays queued (no delivery report)',
  },
  '+6590000033': { behaviour: 'sms_error', appliesTo: ['sms'], description: 'SMS: queued, then error' },
  '+6590000040': {
    behaviour: 'not_supported',
    appliesTo: ['sms', 'call', 'ivr', 'conference', 'fax'],
    description: 'any send: error_dest_not_supported',
  },
};

/**
 * Notify-URL hosts that fail validation on purpose: a host ending in `.invalid` answers
 * `error_unable_to_resolve_notify_url`; an `https` URL whose host ends in `.badtls.test` answers
 * `error_unable_to_complete_ssl_handshake_notify_url`. The sandbox never resolves names itself.
 */
export const SANDBOX_MAGIC_HOSTS = {
  unresolvable: '.invalid',
  badTls: '.badtls.test',
} as const;

/** The magic behaviour of `number` for a kind of request, if any. */
export function magicBehaviour(
  number: string,
  kind: SandboxMagicNumber['appliesTo'][number],
): SandboxMagicBehaviour | undefined {
  const magic = Object.hasOwn(SANDBOX_MAGIC_NUMBERS, number) ? SANDBOX_MAGIC_NUMBERS[number] : undefined;
  return magic?.appliesTo.includes(kind) ? magic.behaviour : undefined;
}
