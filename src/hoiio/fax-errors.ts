/**
 * Plain-language explanations of Hoiio's `fax_error_code` values (hoiio-docs/receive-fax.txt),
 * written for the people reading the Slack card, with what they can do about it.
 */

/** Every `fax_error_code` Hoiio documents. */
export const FAX_ERROR_CODES = [
  'busy',
  'non_recoverable',
  'cannot_establish_transmission',
  'invalid_res',
  'invalid_size',
  'file_err',
] as const;

/** A documented `fax_error_code`. */
export type FaxErrorCode = (typeof FAX_ERROR_CODES)[number];

const EXPLANATIONS: Record<FaxErrorCode, string> = {
  busy: 'The fax line was busy, so the fax could not start. Try again in a few minutes.',
  non_recoverable:
    'The connection to the other fax machine failed, usually because of poor line quality or incompatible fax ' +
    'equipment. For an incoming fax, ask the sender to resend with a regular IDD call rather than a budget or VoIP service.',
  cannot_establish_transmission:
    'The other fax machine could not be reached. Check that the fax number is correct and that the machine is on.',
  invalid_res:
    'The fax machines could not agree on a resolution. Ask the sender to lower the resolution setting on their ' +
    'fax machine and send again.',
  invalid_size:
    'The pages were not A4 or Letter size, the only paper sizes supported. Ask the sender to check the page size ' +
    'setting on their fax machine and send again.',
  file_err:
    'The PDF could not be converted for faxing. Export it again (PDF/A works best) with A4 or Letter pages and resend.',
};

const UNKNOWN = 'The fax failed for a reason the fax service did not explain. Try sending it again.';

/** Whether `code` is one of Hoiio's documented fax error codes. */
export function isFaxErrorCode(code: string): code is FaxErrorCode {
  return (FAX_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * A sentence explaining a `fax_error_code` to a user, with what to do next; a generic one for an
 * unknown or missing code. Never echoes the code itself.
 */
export function explainFaxError(code: string | undefined): string {
  const key = typeof code === 'string' ? code.trim().toLowerCase() : '';
  return isFaxErrorCode(key) ? EXPLANATIONS[key] : UNKNOWN;
}
