import type { TxnStatus } from '../../../db/tables/transactions.js';
import { explainFaxError } from '../../../hoiio/index.js';
import type { FaxCardStatus } from './blocks.js';

/** Our transaction status for Hoiio's `fax_status` of an outgoing fax, with the reason when it failed. */
export interface FaxOutcome {
  readonly status: Extract<TxnStatus, 'sent' | 'delivered' | 'failed'>;
  /** Hoiio's `fax_error_code`, or `fax_status` when it failed without one (`unanswered`). */
  readonly errorCode?: string | undefined;
  /** Plain words for the card when it failed. */
  readonly error?: string | undefined;
}

const UNANSWERED = 'The receiving fax machine did not answer. Check the number and that the machine is on, then retry.';

/**
 * `answered` → delivered (the receiving machine took the fax), `ongoing` → sent, `unanswered`/`busy`/`failed` →
 * failed with the explained `fax_error_code`. Anything else Hoiio may add → undefined (leave the status alone).
 */
export function faxOutcome(faxStatus: string, faxErrorCode?: string): FaxOutcome | undefined {
  switch (faxStatus) {
    case 'answered':
      return { status: 'delivered' };
    case 'ongoing':
      return { status: 'sent' };
    case 'unanswered':
      return {
        status: 'failed',
        errorCode: faxErrorCode ?? 'unanswered',
        error: faxErrorCode ? explainFaxError(faxErrorCode) : UNANSWERED,
      };
    case 'busy':
      return { status: 'failed', errorCode: faxErrorCode ?? 'busy', error: explainFaxError(faxErrorCode ?? 'busy') };
    case 'failed':
      return { status: 'failed', errorCode: faxErrorCode, error: explainFaxError(faxErrorCode) };
    default:
      return undefined;
  }
}

/** The status word a fax card shows for a transaction status (design.md §6). */
export function faxCardStatus(status: TxnStatus): FaxCardStatus {
  switch (status) {
    case 'sent':
    case 'ongoing':
      return 'sent';
    case 'delivered':
    case 'answered':
      return 'delivered';
    case 'unknown':
      return 'unknown';
    case 'canceled':
      return 'canceled';
    case 'failed':
    case 'unanswered':
    case 'busy':
      return 'failed';
    default:
      return 'queued';
  }
}
