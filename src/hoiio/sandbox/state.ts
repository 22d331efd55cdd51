/**
 * The sandbox's in-memory state: one account with its balance, numbers and transactions.
 * Transaction ids keep counting across `reset()` so an application never sees a `txn_ref` twice.
 */
import { addMoney, compareMoney, type Money, roundMoney, subtractMoney } from '../money.js';
import { SANDBOX_CURRENCY } from './rates.js';
import type { SandboxForwarding } from './types.js';

/** Hoiio's call/fax leg statuses, plus `ongoing` while live. */
export type CallStatus = 'answered' | 'unanswered' | 'failed' | 'busy' | 'ongoing';

/** An SMS, sent or received. */
export interface SmsTxn {
  kind: 'sms';
  seq: number;
  direction: 'outgoing' | 'incoming';
  txn_ref: string;
  bulk_txn_ref?: string;
  tag?: string;
  src: string;
  dest: string;
  msg: string;
  sender_name?: string;
  date: Date;
  split_count: number;
  is_unicode: boolean;
  rate: Money;
  debit: Money;
  sms_status: 'queued' | 'delivered' | 'failed' | 'error' | 'received';
}

/** A call: a two-way callback, a conference participant or an IVR call (in or out). */
export interface CallTxn {
  kind: 'call';
  seq: number;
  type: 'callback' | 'conference' | 'ivr';
  direction: 'outgoing' | 'incoming';
  txn_ref: string;
  tag?: string;
  dest1: string;
  dest2?: string;
  /** The Hoiio number involved (IVR). */
  number?: string;
  caller_id?: string;
  call_status_dest1: CallStatus;
  call_status_dest2?: CallStatus;
  date: Date;
  /** Whole minutes, once ended. */
  duration?: number;
  rate: Money;
  debit?: Money;
  room?: string;
  session?: string;
  live: boolean;
  /** Ends the call now (voice/hangup, conference kick). */
  hangup?: () => void;
  muted?: boolean;
}

/** A fax, sent or received. */
export interface FaxTxn {
  kind: 'fax';
  seq: number;
  direction: 'outgoing' | 'incoming';
  txn_ref: string;
  tag?: string;
  src?: string;
  dest: string;
  fax_status: CallStatus;
  fax_pages: number;
  fax_error_code?: string;
  date: Date;
  duration?: number;
  rate: Money;
  debit?: Money;
  /** Media id of the PDF (what was sent, or what was received). */
  media?: string;
  filename?: string;
  live: boolean;
}

/** Any transaction. */
export type Txn = SmsTxn | CallTxn | FaxTxn;

/** One of the account's Hoiio numbers. */
export interface NumberState {
  number: string;
  country: string;
  state?: string;
  mode: 'voice' | 'fax';
  capabilities: string[];
  forward_to: string;
  forward_to_sms: string;
  expiry: Date;
  auto_extend: boolean;
}

/** The account itself. */
export interface AccountState {
  appId: string;
  accessToken: string;
  uid: string;
  name: string;
  email: string;
  mobileNumber: string;
  country: string;
  prefix: string;
  currency: string;
  points: Money;
  bonus: Money;
  trial: boolean;
  smsRebrand: boolean;
  callRebrand: boolean;
}

/** The default account's credentials. */
export const SANDBOX_APP_ID = 'sandbox';
/** The default account's access token (also the key of `X-Hoiio-Signature`). */
export const SANDBOX_ACCESS_TOKEN = 'sandbox';
/** The default account's numbers: one voice+SMS number and one fax number. */
export const SANDBOX_VOICE_NUMBER = '+6531580001';
/** The default account's fax number (mode `fax`). */
export const SANDBOX_FAX_NUMBER = '+6531580002';
/** The default account's registered mobile number (leg 1 of voice/call when dest1 is omitted). */
export const SANDBOX_MOBILE_NUMBER = '+6591234567';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The account, its numbers and its transactions. */
export class SandboxState {
  account!: AccountState;
  numbers = new Map<string, NumberState>();
  txns = new Map<string, Txn>();
  #counter: number;
  #seq = 0;

  constructor(
    private readonly now: () => Date,
    private readonly forwarding: SandboxForwarding,
    private readonly credentials: { appId: string; accessToken: string } = {
      appId: SANDBOX_APP_ID,
      accessToken: SANDBOX_ACCESS_TOKEN,
    },
  ) {
    // Seconds since 2020, times ten: a restarted sandbox does not reuse the txn_refs of a previous
    // run that an application may have stored.
    this.#counter = Math.floor((now().getTime() - Date.UTC(2020, 0, 1)) / 1000) * 10;
    this.reset();
  }

  /** A fresh account with the default numbers and forwarding. */
  reset(): void {
    this.account = {
      appId: this.credentials.appId,
      accessToken: this.credentials.accessToken,
      uid: 'AA-1001',
      name: 'Sandbox Developer',
      email: 'developer@sandbox.invalid',
      mobileNumber: SANDBOX_MOBILE_NUMBER,
      country: 'SG',
      prefix: '+65',
      currency: SANDBOX_CURRENCY,
      points: '90.000',
      bonus: '10.000',
      trial: false,
      smsRebrand: true,
      callRebrand: false,
    };
    const expiry = new Date(this.now().getTime() + 365 * DAY_MS);
    this.numbers = new Map([
      [
        SANDBOX_VOICE_NUMBER,
        {
          number: SANDBOX_VOICE_NUMBER,
          country: 'SG',
          mode: 'voice',
          capabilities: ['VOICE', 'SMS'],
          forward_to: this.forwarding.voice ?? '',
          forward_to_sms: this.forwarding.sms ?? '',
          expiry,
          auto_extend: true,
        },
      ],
      [
        SANDBOX_FAX_NUMBER,
        {
          number: SANDBOX_FAX_NUMBER,
          country: 'SG',
          mode: 'fax',
          capabilities: ['VOICE', 'FAX'],
          forward_to: this.forwarding.fax ?? '',
          forward_to_sms: '',
          expiry,
          auto_extend: true,
        },
      ],
    ]);
    this.txns = new Map();
  }

  /** The next numeric id (shared by every kind of reference). */
  nextId(): number {
    this.#counter += 1;
    return this.#counter;
  }

  /** The next creation sequence number (orders the outbox). */
  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  /** Adds a transaction. */
  add<T extends Txn>(txn: T): T {
    this.txns.set(txn.txn_ref, txn);
    return txn;
  }

  /** Account balance: points + bonus. */
  balance(): Money {
    return roundMoney(addMoney(this.account.points, this.account.bonus));
  }

  /** Whether the balance covers `amount`. */
  canAfford(amount: Money): boolean {
    return compareMoney(this.balance(), amount) >= 0;
  }

  /** Debits `amount`, bonus first, then points (which may go negative for a call that ran long). */
  debit(amount: Money): void {
    const { bonus } = this.account;
    if (compareMoney(bonus, amount) >= 0) {
      this.account.bonus = roundMoney(subtractMoney(bonus, amount));
      return;
    }
    const rest = subtractMoney(amount, bonus);
    this.account.bonus = '0.000';
    this.account.points = roundMoney(subtractMoney(this.account.points, rest));
  }

  /** Calls and faxes in progress (the 8-at-once limit). */
  liveCount(): number {
    let n = 0;
    for (const txn of this.txns.values()) if (txn.kind !== 'sms' && txn.live) n += 1;
    return n;
  }

  /** Numbers an application may use as caller id: registered mobile, own numbers, `private`. */
  callerIds(): string[] {
    return [this.account.mobileNumber, ...this.numbers.keys(), 'private'];
  }
}
