/**
 * App Home (issue 9): balance and spend against the cap, the user's phone, routes, recent activity, missed calls
 * and voicemails not yet handled, unrouted or unverified events, dead jobs with Redrive (admins), quick buttons
 * that open the SMS, fax and call modals, and the settings modal (spend cap, undo window) for admins.
 */
import type { BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import { ACTION, VIEW } from '../../ids.js';
import { createAdminCheck } from '../admin/admin-check.js';
import type { FeatureContext } from '../index.js';
import {
  handleAppHomeOpened,
  handleHomeCall,
  handleHomeCallSubmission,
  handleHomeSendFax,
  handleHomeSendSms,
  handleHomeSettings,
  handleRedrive,
  handleSettingsSubmission,
} from './home-handlers.js';

export { publishHome } from './home-handlers.js';

/** Registers the App Home listeners. */
export function register({ app, deps }: FeatureContext): void {
  const admins = createAdminCheck(deps);
  app.event('app_home_opened', handleAppHomeOpened(deps, admins));
  app.action<BlockButtonAction>(ACTION.homeSendSms, handleHomeSendSms());
  app.action<BlockButtonAction>(ACTION.homeSendFax, handleHomeSendFax());
  app.action<BlockButtonAction>(ACTION.homeCall, handleHomeCall());
  app.action<BlockButtonAction>(ACTION.homeRedrive, handleRedrive(deps, admins));
  app.action<BlockButtonAction>(ACTION.homeSettings, handleHomeSettings(deps, admins));
  app.view<ViewSubmitAction>(VIEW.homeCall, handleHomeCallSubmission(deps));
  app.view<ViewSubmitAction>(VIEW.adminSettings, handleSettingsSubmission(deps, admins));
}
