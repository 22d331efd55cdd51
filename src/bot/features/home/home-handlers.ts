import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { redriveJob } from '../../../db/job-queue.js';
import { insertAuditLog } from '../../../db/repositories/audit-log.js';
import { toE164 } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { ADMIN_FIELD } from '../../ids.js';
import { parseAmount } from '../admin/admin-args.js';
import type { AdminCheck } from '../admin/admin-check.js';
import { getSpendCap, SpendCapRefusedError, setSpendCap } from '../admin/spend-cap.js';
import { getUndoWindowSeconds, MAX_UNDO_WINDOW_SECONDS, setUndoWindowSeconds } from '../admin/undo-window.js';
import { callTag } from '../call/outbound-call.js';
import { placeCall, placeCallText } from '../call/place-call.js';
import { faxModal } from '../fax/blocks.js';
import { sendSmsModal, smsEstimateText } from '../sms/sms-modal.js';
import { homeCallModal, homeView, settingsModal } from './blocks.js';
import { loadHome } from './home-data.js';

type HomeDeps = Pick<BotDeps, 'db' | 'hoiio' | 'clock' | 'logger' | 'config' | 'jobWake'>;
type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Builds and publishes `userId`'s App Home. */
export async function publishHome(
  deps: HomeDeps,
  admins: AdminCheck,
  client: WebClient,
  userId: string,
  dmChannel: string | undefined,
): Promise<void> {
  const admin = await admins.isAdmin(userId);
  const view = homeView(await loadHome(deps, { userId, admin, dmChannel }));
  await client.views.publish({ user_id: userId, view });
}

/** `app_home_opened` (Home tab): publish a fresh view. */
export function handleAppHomeOpened(
  deps: HomeDeps,
  admins: AdminCheck,
): (args: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => Promise<void> {
  return async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, admins, client, event.user, event.channel);
  };
}

/** The DM channel a home button carries (sends from App Home post their cards there). */
function dmOf(value: string | undefined): string | undefined {
  return value && /^D[A-Z0-9]+$/.test(value) ? value : undefined;
}

async function dmChannelFor(client: WebClient, userId: string, value: string | undefined): Promise<string | undefined> {
  const known = dmOf(value);
  if (known) return known;
  return (await client.conversations.open({ users: userId })).channel?.id;
}

/** Quick buttons: open the SMS, fax and call modals, their cards going to the user's DM with the app. */
export function handleHomeSendSms(): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, action, body, client }) => {
    await ack();
    const channel = dmOf(action.value);
    if (!channel) return;
    const view = sendSmsModal({ meta: { channel }, estimate: smsEstimateText('', undefined) });
    await client.views.open({ trigger_id: body.trigger_id, view });
  };
}

export function handleHomeSendFax(): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, action, body, client }) => {
    await ack();
    const channel = dmOf(action.value);
    if (!channel) return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: faxModal({ metadata: { channel } }),
    });
  };
}

export function handleHomeCall(): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, action, body, client }) => {
    await ack();
    const channel = dmOf(action.value);
    if (!channel) return;
    await client.views.open({ trigger_id: body.trigger_id, view: homeCallModal(channel) });
  };
}

/** "Call a number" submitted: the call feature places it (tag `hs-v-<view id>`: a double submit calls once). */
export function handleHomeCallSubmission(deps: HomeDeps): (args: SubmitArgs) => Promise<void> {
  return async ({ ack, body, view }) => {
    const typed = view.state.values[ADMIN_FIELD.homeCallNumber]?.[ADMIN_FIELD.homeCallNumber]?.value ?? '';
    const to = toE164(typed.trim(), deps.config.defaultCountry);
    const channel = dmOf(view.private_metadata);
    if (!to.ok || !channel) {
      await ack({
        response_action: 'errors',
        errors: { [ADMIN_FIELD.homeCallNumber]: to.ok ? 'Open this form again from App Home.' : to.problem },
      });
      return;
    }
    let placed: Awaited<ReturnType<typeof placeCall>>;
    try {
      placed = await placeCall(deps, {
        to: to.e164,
        user: body.user.id,
        team: body.team?.id,
        channel,
        tag: callTag('view', view.id),
        source: 'view',
      });
    } catch (error) {
      if (!(error instanceof SpendCapRefusedError)) throw error;
      await ack({ response_action: 'errors', errors: { [ADMIN_FIELD.homeCallNumber]: error.message } });
      return;
    }
    await ack({
      response_action: 'update',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'Call a number' },
        close: { type: 'plain_text', text: 'Close' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: placeCallText(to.e164, placed) } }],
      },
    });
  };
}

/** Redrive of a dead job (admins): back to pending, audited, worker woken, App Home refreshed. */
export function handleRedrive(deps: HomeDeps, admins: AdminCheck): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, action, body, client }) => {
    await ack();
    const user = body.user.id;
    const id = Number(action.value);
    if (!Number.isSafeInteger(id)) return;
    if (!(await admins.isAdmin(user))) {
      deps.logger.warn({ user, jobId: id }, 'redrive refused: not an admin');
    } else {
      const redriven = await deps.db.transaction().execute(async (trx) => {
        const ok = await redriveJob(trx, id);
        if (ok) await insertAuditLog(trx, { actorUserId: user, action: 'job.redrive', subject: String(id) });
        return ok;
      });
      if (redriven) deps.jobWake.wake();
    }
    const dm = body.view?.private_metadata;
    await publishHome(deps, admins, client, user, dmOf(dm) ?? (await dmChannelFor(client, user, undefined)));
  };
}

/** Settings (admins): the spend cap and undo window modal; the button carries the account currency. */
export function handleHomeSettings(deps: HomeDeps, admins: AdminCheck): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, action, body, client }) => {
    await ack();
    if (!(await admins.isAdmin(body.user.id))) return;
    const [cap, undoSeconds] = await Promise.all([getSpendCap(deps.db), getUndoWindowSeconds(deps.db)]);
    const currency = cap?.currency ?? (action.value || 'SGD');
    await client.views.open({
      trigger_id: body.trigger_id,
      view: settingsModal({ cap: cap?.amount, undoSeconds, currency }),
    });
  };
}

/** Settings saved: validated, stored with audit entries (only what changed), App Home refreshed. */
export function handleSettingsSubmission(deps: HomeDeps, admins: AdminCheck): (args: SubmitArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const user = body.user.id;
    const v = view.state.values;
    const capText = (v[ADMIN_FIELD.spendCap]?.[ADMIN_FIELD.spendCap]?.value ?? '').trim();
    const undoText = v[ADMIN_FIELD.undoWindow]?.[ADMIN_FIELD.undoWindow]?.value ?? '0';
    const errors: Record<string, string> = {};
    const amount = capText === '' ? null : parseAmount(capText);
    if (amount === undefined) errors[ADMIN_FIELD.spendCap] = 'Give an amount such as 50 or 12.5, or leave it empty.';
    const undo = Number(undoText);
    if (!Number.isInteger(undo) || undo < 0 || undo > MAX_UNDO_WINDOW_SECONDS) {
      errors[ADMIN_FIELD.undoWindow] = `Whole seconds from 0 to ${MAX_UNDO_WINDOW_SECONDS}.`;
    }
    if (Object.keys(errors).length > 0 || amount === undefined) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    // Opened only for admins; the check is repeated here (cached from the opening, so no Slack call before ack).
    if (!(await admins.isAdmin(user))) {
      await ack({ response_action: 'errors', errors: { [ADMIN_FIELD.spendCap]: 'Only admins can change settings.' } });
      return;
    }
    const currency = view.private_metadata || 'SGD';
    await deps.db.transaction().execute(async (trx) => {
      const [cap, current] = await Promise.all([getSpendCap(trx), getUndoWindowSeconds(trx)]);
      if ((cap?.amount ?? null) !== amount) {
        await setSpendCap(trx, amount === null ? null : { amount, currency: cap?.currency ?? currency }, user);
      }
      if (current !== undo) await setUndoWindowSeconds(trx, undo, user);
    });
    await ack();
    await publishHome(deps, admins, client, user, await dmChannelFor(client, user, undefined));
  };
}
