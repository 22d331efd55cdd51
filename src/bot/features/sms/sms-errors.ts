import { classifyStatus, formatPhoneNumber } from '../../../hoiio/index.js';

/** `error_code`s we set ourselves (Hoiio's own statuses are stored verbatim). */
export const SMS_ERROR = {
  /** The delivery report said `failed`. */
  deliveryFailed: 'sms_delivery_failed',
  /** The delivery report said `error`. */
  deliveryError: 'sms_delivery_error',
  /** Reconciliation found no trace of the send at Hoiio. */
  notFound: 'sms_not_found',
  /** Hoiio could not be reached for many attempts; nothing was sent. */
  unreachable: 'sms_hoiio_unreachable',
} as const;

/**
 * Why an SMS failed, as one sentence for the card, from the `error_code` stored on its transaction: our own codes,
 * the Hoiio statuses people meet (credit, number, rate limit, outage), and Hoiio's plain meaning for the rest.
 */
export function explainSmsError(code: string | null, to: string | null): string {
  const number = to === null ? 'the number' : formatPhoneNumber(to);
  switch (code) {
    case null:
      return 'The SMS was not sent.';
    case SMS_ERROR.deliveryFailed:
      return `The phone network could not deliver it to ${number} (the phone may be off, out of coverage, or not a mobile).`;
    case SMS_ERROR.deliveryError:
      return `Hoiio reported an error delivering it to ${number}.`;
    case SMS_ERROR.notFound:
      return 'Hoiio has no record of it; it was not sent.';
    case SMS_ERROR.unreachable:
      return 'We could not reach Hoiio for several minutes, so nothing was sent. Press Retry to try again.';
    case 'error_insufficient_credit':
      return 'The Hoiio account is out of credit, so nothing was sent. Ask an admin to top it up, then press Retry.';
    case 'error_dest_invalid':
    case 'error_invalid_destination':
    case 'error_dest_invalid_number_id':
      return `Hoiio says ${number} is not a valid mobile number. Check the number and send again.`;
    case 'error_dest_not_supported':
    case 'error_destination_not_supported':
    case 'error_sms_service_not_available':
      return `Hoiio does not send SMS to ${number}'s country or network.`;
    case 'error_rate_limit_exceeded':
      return 'Hoiio is limiting how fast we send right now, so this one was not sent. Wait a minute, then press Retry.';
    case 'error_internal_server_error':
    case 'error_service_not_available':
      return 'Hoiio is having problems right now, so this was not sent. Try again in a few minutes.';
    case 'error_msg_too_big':
      return 'The message is longer than 3 SMS parts; shorten it.';
    case 'error_msg_empty':
      return 'The message was empty.';
    case 'error_sms_rebrand_not_enabled':
      return 'Sender names are not enabled on this Hoiio account; send without one.';
    case 'error_invalid_sender_name':
      return 'Hoiio does not allow that sender name; use 3 to 11 letters or digits, or none.';
    case 'error_not_allowed_for_trial':
      return 'This Hoiio trial account may only send to its own registered mobile number.';
    default: {
      const meaning = classifyStatus(code).meaning;
      return `Hoiio refused it: ${meaning}.`;
    }
  }
}
