/**
 * Every Slack id the app ships (command, shortcut callback ids, action ids, view callback ids) and every queue
 * name, in one place. Never rename a shipped id: cards already posted still carry it. Shortcut callback ids must
 * match manifest.yml.
 */

export const COMMAND = {
  hoiio: '/hoiio',
} as const;

/** `/hoiio` subcommands in the order help lists them (design.md §3). */
export const SUBCOMMANDS = [
  'sms',
  'fax',
  'call',
  'balance',
  'history',
  'route',
  'contact',
  'me',
  'export',
  'status',
  'help',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Message shortcuts (manifest.yml `shortcuts[].callback_id`). */
export const SHORTCUT = {
  smsFromMessage: 'sms_message_shortcut',
  callFromMessage: 'call_message_shortcut',
  faxFromMessage: 'fax_message_shortcut',
} as const;

/** Modal callback ids. */
export const VIEW = {
  smsSend: 'sms_send_modal',
  faxSend: 'fax_send_modal',
  callOwnPhone: 'call_own_phone_modal',
  /** Pick which number of a message to call (call shortcut); private_metadata = channel, thread, numbers. */
  callPickNumber: 'call_pick_number_modal',
  /** Reply to an incoming SMS; private_metadata = the incoming transaction's id and thread. */
  inboundSmsReply: 'inbound_sms_reply_modal',
  /** Add or edit a number route (admins); private_metadata = who opened it and the number being edited. */
  adminRoute: 'admin_route_modal',
  /** Spend cap and undo window (admins), from App Home. */
  adminSettings: 'admin_settings_modal',
  /** "Call a number" from App Home; private_metadata = the user's DM channel with the app. */
  homeCall: 'home_call_modal',
} as const;

/** Block action ids on cards and in modals. */
export const ACTION = {
  contactCallBack: 'contact_call_back',
  contactSendSms: 'contact_send_sms',
  txnRetry: 'txn_retry',
  txnCheckStatus: 'txn_check_status',
  /** "Reply by fax" on an inbound fax card; value = the contact's number (E.164). */
  faxReply: 'fax_reply',
  /** "Retry" on a failed outbound fax card; value = the failed transaction's id. */
  faxRetry: 'fax_retry',
  /** "Reply" on an incoming SMS card; value = the incoming transaction's id. */
  inboundSmsReply: 'inbound_sms_reply',
  /** "Mark handled" on an incoming call card; value = the call transaction's id. */
  callMarkHandled: 'call_mark_handled',
  /** "Enter my phone" on a click-to-call card still waiting for the caller's own phone; value = transaction id. */
  callEnterPhone: 'call_enter_phone',
  /** "Cancel" on a send still waiting out the undo window; value = the transaction's id. */
  txnCancel: 'txn_cancel',
  /** History paging (Next / Previous); value = JSON of the query and offset. */
  historyPage: 'history_page',
  /** Route list buttons: add (no value), edit / remove (value = the Hoiio number, E.164). */
  routeAdd: 'route_add',
  routeEdit: 'route_edit',
  routeRemove: 'route_remove',
  /** App Home: Redrive a dead job (admins); value = the job id. */
  homeRedrive: 'home_redrive',
  /** App Home quick buttons that open the SMS, fax and call modals. */
  homeSendSms: 'home_send_sms',
  homeSendFax: 'home_send_fax',
  homeCall: 'home_call',
  /** App Home: open the settings modal (admins). */
  homeSettings: 'home_settings',
} as const;

/** Block and action ids of the admin modals' inputs (block id = action id). */
export const ADMIN_FIELD = {
  routeNumber: 'route_number',
  routeChannel: 'route_channel',
  routeLabel: 'route_label',
  routeGreeting: 'route_greeting',
  routeRingUsers: 'route_ring_users',
  routeRingTimeout: 'route_ring_timeout',
  routeVoicemail: 'route_voicemail',
  routeMenu: 'route_menu',
  spendCap: 'settings_spend_cap',
  undoWindow: 'settings_undo_window',
  /** The number in App Home's "Call a number" modal. */
  homeCallNumber: 'home_call_number',
} as const;

/** Block and action ids of the call modals' inputs (block id = action id). */
export const CALL_FIELD = {
  /** The user's own phone (leg 1). */
  phone: 'call_own_phone',
  /** Which number to call (shortcut picker). */
  number: 'call_number',
} as const;

/** Block and action ids of the inbound SMS reply modal's inputs (block id = action id). */
export const INBOUND_FIELD = {
  message: 'inbound_reply_message',
  confirmOptOut: 'inbound_reply_confirm_opt_out',
} as const;

/** Block and action ids of the fax modal's inputs (block id = action id). */
export const FAX_FIELD = {
  to: 'fax_to',
  file: 'fax_file',
  cover: 'fax_cover',
} as const;

/**
 * Block and action ids of the SMS modal's inputs (block id = action id). `to` and `message` dispatch on every
 * character (the estimate is refreshed); `confirmOptOut` appears only for a number that replied STOP.
 */
export const SMS_FIELD = {
  to: 'sms_to',
  message: 'sms_message',
  senderName: 'sms_sender_name',
  confirmOptOut: 'sms_confirm_opt_out',
} as const;

/** Other block ids of the SMS modal and card. */
export const SMS_BLOCK = {
  /** The modal's encoding / parts / cost line. */
  estimate: 'sms_estimate',
  /** The outbound SMS card's buttons (Retry, Check status, contact buttons). */
  cardActions: 'sms_card_actions',
} as const;

/** Durable job queues. */
export const QUEUE = {
  smsSend: 'sms.send',
  faxSend: 'fax.send',
  callStart: 'call.start',
  /** Texts a one-time code to the phone a user gave with `/hoiio me <number>` (dedupe `phone.verify:<user>:<nonce>`). */
  phoneVerify: 'phone.verify',
  txnReconcile: 'txn.reconcile',
  slackPost: 'slack.post',
  inboundRelay: 'inbound.relay',
  /** DMs admins once a month when spend reaches 80 % of the cap. */
  spendCapWarning: 'admin.spend_warning',
  /** Settles an inbound call whose ending notification never came (query_status), so no card stays "ringing". */
  ivrSweep: 'call.ivr_sweep',
  /** Hourly: deletes finished jobs past their retention so the queue table does not grow for ever. */
  jobsPurge: 'jobs.purge',
} as const;
