/**
 * The sweep of an inbound call whose ending notification never came (Hoiio does not retry a notification our app
 * missed, e.g. while it restarted): some time after the call's last activity, voice/query_status says whether it
 * is still live; if it ended, the session is ended from what we know (answered / voicemail / missed) with Hoiio's
 * billing, so no card stays "ringing" forever. Queued once per call when Hoiio accepts its first block.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { RetryAfterError } from '../../../db/job-errors.js';
import { enqueueJob } from '../../../db/job-queue.js';
import { findIvrSession, updateIvrSession } from '../../../db/repositories/ivr-sessions.js';
import { HoiioInvalidRequestError, type VoiceQueryStatusResult } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { QUEUE } from '../../ids.js';
import type { JobHandler } from '../index.js';
import type { IvrState } from './ivr-driver.js';
import type { StoredIvr } from './ivr-handler.js';
import { mirrorSession } from './ivr-mirror.js';

/** How long a call may go without any notification before the sweep asks Hoiio about it. */
export const IVR_SWEEP_AFTER_MS = 10 * 60 * 1000;

/** The payload of a `call.ivr_sweep` job. */
export interface IvrSweepPayload {
  readonly session: string;
}

/** Queues the sweep of `session` (once per session). */
export async function enqueueIvrSweep(trx: Kysely<Database>, session: string, now: Date): Promise<void> {
  const payload: IvrSweepPayload = { session };
  await enqueueJob(trx, {
    queue: QUEUE.ivrSweep,
    payload: { ...payload },
    dedupeKey: `ivr.sweep:${session}`,
    runAt: new Date(now.getTime() + IVR_SWEEP_AFTER_MS),
  });
}

/** The job handler of `QUEUE.ivrSweep`. */
export function runIvrSweep(deps: Pick<BotDeps, 'db' | 'hoiio' | 'clock' | 'logger'>): JobHandler {
  return async (job, context) => {
    const { session } = job.payload as IvrSweepPayload;
    const row = await findIvrSession(deps.db, session);
    if (row === undefined || row.ended_at !== null) return;
    const idle = deps.clock.now().getTime() - row.updated_at.getTime();
    if (idle < IVR_SWEEP_AFTER_MS) throw new RetryAfterError(IVR_SWEEP_AFTER_MS - idle, 'the call is still active');
    let record: VoiceQueryStatusResult | undefined;
    if (row.txn_ref !== null) {
      try {
        record = await deps.hoiio.voice.queryStatus({ txnRef: row.txn_ref }, { signal: context.signal });
      } catch (error) {
        if (!(error instanceof HoiioInvalidRequestError)) throw error; // Hoiio does not know it: over
      }
    }
    if (record?.callStatusDest1 === 'ongoing' || record?.callStatusDest2 === 'ongoing') {
      throw new RetryAfterError(IVR_SWEEP_AFTER_MS, 'the call is still live');
    }
    const ended = await deps.db.transaction().execute(async (trx) => {
      const current = await findIvrSession(trx, session);
      if (current === undefined || current.ended_at !== null) return true;
      const stored = current.data as unknown as StoredIvr;
      const state: IvrState = { ...stored.state, phase: 'ended', outcome: outcomeOf(stored.state, record) };
      const next: StoredIvr = {
        ...stored,
        state: state.outcome === 'answered' ? { ...state, answeredBy: answeredBy(stored.state) } : state,
        pending: undefined,
      };
      const updated = await updateIvrSession(trx, session, current.version, {
        state: 'ended',
        data: JSON.parse(JSON.stringify(next)),
        ended: true,
      });
      if (updated === undefined) return false;
      await mirrorSession(
        trx,
        updated,
        record === undefined
          ? undefined
          : {
              minutes: record.duration,
              currency: record.currency,
              rate: record.rate,
              debit: record.debit,
              date: record.date,
            },
      );
      return true;
    });
    if (!ended) throw new RetryAfterError(1000, 'the call changed meanwhile');
    deps.logger.info({ session }, 'IVR session settled by the sweep (its last notification never came)');
  };
}

function outcomeOf(state: IvrState, record: VoiceQueryStatusResult | undefined): IvrState['outcome'] {
  if (state.outcome !== undefined) return state.outcome;
  return state.phase === 'ringing' && record?.callStatusDest2 === 'answered' ? 'answered' : 'missed';
}

function answeredBy(state: IvrState): string | undefined {
  return state.answeredBy ?? state.ring[state.ringIndex]?.userId;
}
