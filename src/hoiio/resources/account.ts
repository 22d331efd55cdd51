/** `user/…` endpoints (Hoiio's account group): balance and profile. */
import type { RequestOptions } from '../hoiio-client.js';
import { compact } from '../internal/wire.js';
import type { Money } from '../money.js';
import { HoiioResource } from './hoiio-resource.js';

/** `user/get_balance` result. `balance` = `points` + `bonus`; bonus is spent first. */
export interface AccountGetBalanceResult {
  currency: string;
  balance: Money;
  /** Top-ups (transferable). */
  points: Money;
  /** Rewards and refunds (not transferable). */
  bonus: Money;
}

/** `user/get_info` result. */
export interface AccountGetInfoResult {
  uid: string;
  name?: string;
  /** The registered mobile number. */
  mobileNumber?: string;
  /** Caller ids the account may use (`p` = private). */
  callerIds: string[];
  /** Present only when verified. */
  email?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** Dialling prefix as Hoiio writes it, e.g. `+65`. */
  prefix?: string;
  currency?: string;
  timeZone?: string;
  /** `trial` or `active`, verbatim. */
  userStatus?: 'trial' | 'active' | (string & {});
  /** `enabled` or `disabled`, verbatim. */
  smsRebrandStatus?: string;
  /** `enabled` or `disabled`, verbatim. */
  callRebrandStatus?: string;
}

interface AccountGetBalanceWire {
  currency: string;
  balance: string;
  points: string;
  bonus: string;
}

interface AccountGetInfoWire {
  uid: string;
  name?: string;
  mobile_number?: string;
  caller_ids?: string[];
  email?: string;
  country?: string;
  prefix?: string;
  currency?: string;
  time_zone?: string;
  timezone?: string;
  user_status?: string;
  sms_rebrand_status?: string;
  call_rebrand_status?: string;
}

/** The `user/…` endpoints, as `client.account`. Both are reads, retried on transient errors. */
export class Account extends HoiioResource {
  /**
   * The credit balance (`user/get_balance`). Amounts stay decimal strings.
   * @throws HoiioAuthError, HoiioRateLimitError (after retries), HoiioTimeoutError, …
   */
  async getBalance(options?: RequestOptions): Promise<AccountGetBalanceResult> {
    const w = await this.invoke<AccountGetBalanceWire>('user/get_balance', {}, options);
    return {
      currency: w.reqStr('currency'),
      balance: w.reqMoney('balance'),
      points: w.reqMoney('points'),
      bonus: w.reqMoney('bonus'),
    };
  }

  /**
   * The account profile (`user/get_info`).
   * @throws HoiioAuthError, HoiioRateLimitError (after retries), HoiioTimeoutError, …
   */
  async getInfo(options?: RequestOptions): Promise<AccountGetInfoResult> {
    const w = await this.invoke<AccountGetInfoWire>('user/get_info', {}, options);
    return compact({
      uid: w.reqStr('uid'),
      name: w.str('name'),
      mobileNumber: w.str('mobile_number'),
      callerIds: w.list('caller_ids'),
      email: w.str('email'),
      country: w.str('country'),
      prefix: w.str('prefix'),
      currency: w.str('currency'),
      timeZone: w.str('time_zone') ?? w.str('timezone'),
      userStatus: w.str('user_status'),
      smsRebrandStatus: w.str('sms_rebrand_status'),
      callRebrandStatus: w.str('call_rebrand_status'),
    });
  }
}
