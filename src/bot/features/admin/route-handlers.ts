import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockButtonAction,
  OverflowAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { insertAuditLog } from '../../../db/repositories/audit-log.js';
import {
  deleteNumberRoute,
  findNumberRoute,
  listNumberRoutes,
  upsertNumberRoute,
} from '../../../db/repositories/number-routes.js';
import { formatPhoneNumber } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import type { SubcommandHandler } from '../../hoiio-command.js';
import { ACTION } from '../../ids.js';
import { parseRouteArgs } from './admin-args.js';
import { type AdminCheck, notAdminText } from './admin-check.js';
import { routeListMessage } from './blocks.js';
import { activeNumbers, type ForwardingResult, hoiioProblem, pointForwarding } from './forwarding.js';
import {
  type RouteModalMeta,
  type RouteStateValues,
  readRouteForm,
  readRouteModalMeta,
  routeLoadingModal,
  routeModal,
  routeNoticeModal,
} from './route-modal.js';

type RouteDeps = Pick<BotDeps, 'db' | 'config' | 'hoiio' | 'logger' | 'webhookUrls'>;

function forwardingDeps(deps: RouteDeps) {
  return { db: deps.db, hoiio: deps.hoiio, webhookUrls: deps.webhookUrls, defaultCountry: deps.config.defaultCountry };
}

/** The sentence after a save: the route, and whether Hoiio now forwards to us. */
export function savedText(number: string, channelId: string, forwarding: ForwardingResult): string {
  const head = `:white_check_mark: Route saved: *${formatPhoneNumber(number)}* → <#${channelId}>.`;
  return forwarding.ok
    ? `${head}\n${forwarding.summary}`
    : `${head}\n:warning: But pointing the number's Hoiio forwarding at this app failed: ${forwarding.problem}. ` +
        'Events will not arrive until it is fixed; save the route again to retry.';
}

/**
 * Opens the route modal: a loading view at once (the trigger id expires in 3 s), then the admin check and the
 * number list (number/get_active), then the form — or a refusal.
 */
export async function openRouteModal(
  deps: RouteDeps,
  admins: AdminCheck,
  client: WebClient,
  { triggerId, userId, number, channelId }: { triggerId: string; userId: string; number?: string; channelId?: string },
): Promise<void> {
  const meta: RouteModalMeta = number ? { by: userId, editing: number } : { by: userId };
  const opened = await client.views.open({ trigger_id: triggerId, view: routeLoadingModal(meta) });
  const viewId = opened.view?.id;
  if (viewId === undefined) return;
  if (!(await admins.isAdmin(userId))) {
    await client.views.update({ view_id: viewId, view: routeNoticeModal(notAdminText('route numbers')) });
    return;
  }
  const route = number ? await findNumberRoute(deps.db, number) : undefined;
  let numbers: Parameters<typeof routeModal>[0]['numbers'];
  try {
    const active = await activeNumbers(deps.hoiio, deps.config.defaultCountry);
    numbers = [...active].map(([e164, n]) => ({ number: e164, mode: n.mode, capabilities: n.capabilities }));
  } catch (error) {
    deps.logger.warn({ err: error }, 'number/get_active failed: the route modal asks for the number');
    numbers = { problem: `I could not list your Hoiio numbers (${hoiioProblem(error)}). Type the number instead.` };
  }
  await client.views.update({
    view_id: viewId,
    view: routeModal({ meta, numbers, route, number, channelId }),
  });
}

/** `/hoiio route …` (admins): list, add/edit modal, `<number> #channel` quick route, remove. */
export function handleRouteCommand(deps: RouteDeps, admins: AdminCheck): SubcommandHandler {
  return async ({ args, command, ack, respond, client }) => {
    const parsed = parseRouteArgs(args, deps.config.defaultCountry);
    if (parsed.op === 'invalid') {
      await ack({ response_type: 'ephemeral', text: parsed.problem });
      return;
    }
    await ack();
    const userId = command.user_id;
    if (parsed.op === 'modal') {
      await openRouteModal(deps, admins, client, {
        triggerId: command.trigger_id,
        userId,
        ...(parsed.number ? { number: parsed.number } : {}),
        channelId: command.channel_id,
      });
      return;
    }
    if (!(await admins.isAdmin(userId))) {
      await respond({ response_type: 'ephemeral', text: notAdminText('route numbers') });
      return;
    }
    if (parsed.op === 'list') {
      await respond({ response_type: 'ephemeral', ...routeListMessage(await listNumberRoutes(deps.db)) });
      return;
    }
    if (parsed.op === 'remove') {
      await respond({ response_type: 'ephemeral', text: await removeRoute(deps, userId, parsed.number) });
      return;
    }
    await deps.db.transaction().execute(async (trx) => {
      await upsertNumberRoute(trx, { number: parsed.number, channel_id: parsed.channelId, created_by: userId });
      await insertAuditLog(trx, {
        actorUserId: userId,
        action: 'route.save',
        subject: parsed.number,
        details: { channel_id: parsed.channelId },
      });
    });
    const forwarding = await pointForwarding(forwardingDeps(deps), parsed.number);
    await respond({ response_type: 'ephemeral', text: savedText(parsed.number, parsed.channelId, forwarding) });
  };
}

async function removeRoute(deps: RouteDeps, userId: string, number: string): Promise<string> {
  const removed = await deps.db.transaction().execute(async (trx) => {
    const ok = await deleteNumberRoute(trx, number);
    if (ok) await insertAuditLog(trx, { actorUserId: userId, action: 'route.remove', subject: number });
    return ok;
  });
  return removed
    ? `Route of *${formatPhoneNumber(number)}* removed. Its events now go to DEFAULT_CHANNEL (or App Home when ` +
        'there is none); its Hoiio forwarding still points at this app.'
    : `There is no route for *${formatPhoneNumber(number)}*.`;
}

/** The route modal's Save: validate, store (with audit) before ack, then point forwarding and show the result. */
export function handleRouteSubmission(
  deps: RouteDeps,
): (args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const meta = readRouteModalMeta(view.private_metadata);
    // The form is only ever opened for an admin (checked when opening), and only they can submit it.
    if (meta === undefined || meta.by !== body.user.id) {
      await ack({ response_action: 'update', view: routeNoticeModal(notAdminText('route numbers')) });
      return;
    }
    const result = readRouteForm(view.state.values as RouteStateValues, deps.config.defaultCountry);
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    const f = result.form;
    await deps.db.transaction().execute(async (trx) => {
      await upsertNumberRoute(trx, {
        number: f.number,
        channel_id: f.channelId,
        label: f.label,
        greeting: f.greeting,
        ring_user_ids: f.ringUserIds,
        ring_timeout: f.ringTimeout,
        voicemail: f.voicemail,
        menu: f.menu,
        created_by: meta.by,
      });
      await insertAuditLog(trx, {
        actorUserId: meta.by,
        action: 'route.save',
        subject: f.number,
        details: {
          channel_id: f.channelId,
          label: f.label,
          ring_user_ids: f.ringUserIds,
          ring_timeout: f.ringTimeout,
          voicemail: f.voicemail,
          menu: f.menu !== null,
        },
      });
    });
    await ack({
      response_action: 'update',
      view: routeNoticeModal(
        `:white_check_mark: Route saved: *${formatPhoneNumber(f.number)}* → <#${f.channelId}>.\n:hourglass_flowing_sand: Pointing Hoiio forwarding at this app…`,
      ),
    });
    const forwarding = await pointForwarding(forwardingDeps(deps), f.number);
    await client.views.update({
      view_id: view.id,
      view: routeNoticeModal(savedText(f.number, f.channelId, forwarding)),
    });
  };
}

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
type OverflowArgs = SlackActionMiddlewareArgs<BlockAction<OverflowAction>> & AllMiddlewareArgs;

/** "Add a route" under the list. */
export function handleRouteAddButton(deps: RouteDeps, admins: AdminCheck): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, body, client }) => {
    await ack();
    await openRouteModal(deps, admins, client, { triggerId: body.trigger_id, userId: body.user.id });
  };
}

/** A route's overflow menu: Edit opens the modal; Remove asks to confirm. */
export function handleRouteOverflow(deps: RouteDeps, admins: AdminCheck): (args: OverflowArgs) => Promise<void> {
  return async ({ ack, body, action, client, respond }) => {
    await ack();
    const [op, number] = action.selected_option.value.split(':', 2);
    if (!number) return;
    if (op === 'edit') {
      await openRouteModal(deps, admins, client, { triggerId: body.trigger_id, userId: body.user.id, number });
      return;
    }
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `Remove the route of ${formatPhoneNumber(number)}?`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `Remove the route of *${formatPhoneNumber(number)}*?` } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: ACTION.routeRemove,
              style: 'danger',
              text: { type: 'plain_text', text: 'Remove' },
              value: number,
            },
          ],
        },
      ],
    });
  };
}

/** The confirmed Remove. */
export function handleRouteRemoveButton(deps: RouteDeps, admins: AdminCheck): (args: ButtonArgs) => Promise<void> {
  return async ({ ack, body, action, respond }) => {
    await ack();
    if (!(await admins.isAdmin(body.user.id))) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: notAdminText('route numbers') });
      return;
    }
    const text = await removeRoute(deps, body.user.id, action.value ?? '');
    await respond({ response_type: 'ephemeral', replace_original: true, text });
  };
}
