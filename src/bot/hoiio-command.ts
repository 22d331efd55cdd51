import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs, types } from '@slack/bolt';
import type { BotDeps } from './deps.js';
import { COMMAND, SUBCOMMANDS, type Subcommand } from './ids.js';
import { inlineCode, truncateText } from './slack-text.js';

/** A subcommand's line in `/hoiio help`. */
export interface SubcommandHelp {
  /** Arguments after the subcommand, e.g. `<number> <text>`. */
  readonly usage: string;
  readonly description: string;
  /** A full example command line. */
  readonly example: string;
  readonly adminOnly?: boolean;
}

/** Bolt's slash-command arguments plus `args`: the text after the subcommand word (`command.text` is untouched). */
export type SubcommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs & { readonly args: string };
export type SubcommandHandler = (args: SubcommandArgs) => Promise<void>;

type Registered = Exclude<Subcommand, 'help'>;

/** The help line of each subcommand (design.md §3), used unless a feature registers its own. */
export const SUBCOMMAND_HELP: Readonly<Record<Registered, SubcommandHelp>> = {
  sms: {
    usage: '[number] [text]',
    description: 'Send an SMS; without text, opens a form',
    example: '/hoiio sms +65 9123 4567 Your parcel is ready',
  },
  fax: {
    usage: '[number]',
    description: 'Fax a PDF: opens a form with a file upload',
    example: '/hoiio fax +65 6123 4567',
  },
  call: {
    usage: '<number>',
    description: 'Rings your phone first, then connects you to the number',
    example: '/hoiio call +65 6123 4567',
  },
  balance: { usage: '', description: "Hoiio account balance and this month's spend", example: '/hoiio balance' },
  history: {
    usage: '[number]',
    description: 'Recent SMS, calls and faxes in this channel or with a number',
    example: '/hoiio history +65 9123 4567',
  },
  route: {
    usage: '<hoiio number> [#channel]',
    description: "Route a Hoiio number's calls, faxes and SMS to a channel",
    example: '/hoiio route +65 3158 0000 #support-line',
    adminOnly: true,
  },
  contact: {
    usage: '<number> <name>',
    description: 'Name a number',
    example: '/hoiio contact +65 9123 4567 Acme Logistics',
  },
  me: {
    usage: '[your phone | confirm <code>]',
    description: 'Show or set your own phone, rung first for calls: an SMS code to it, typed back, confirms it',
    example: '/hoiio me +65 9876 5432',
  },
  export: {
    usage: '[month]',
    description: 'Download the transaction log as CSV',
    example: '/hoiio export 2025-01',
    adminOnly: true,
  },
  status: {
    usage: '<txn_ref>',
    description: 'Check the status of an SMS, call or fax',
    example: '/hoiio status SA123456',
  },
};

/** The `/hoiio` subcommands the running app actually has; help lists exactly these. */
export class SubcommandRegistry {
  readonly #entries = new Map<Registered, { handler: SubcommandHandler; help: SubcommandHelp }>();

  add(name: Registered, handler: SubcommandHandler, help: SubcommandHelp = SUBCOMMAND_HELP[name]): void {
    if (this.#entries.has(name)) {
      throw Object.assign(new Error(`/hoiio ${name} is already registered`), { code: 'subcommand_conflict' });
    }
    this.#entries.set(name, { handler, help });
  }

  get(name: string): SubcommandHandler | undefined {
    return this.#entries.get(name as Registered)?.handler;
  }

  /** Registered subcommands with their help, in the order of design.md §3. */
  list(): { name: Registered; help: SubcommandHelp }[] {
    return SUBCOMMANDS.flatMap((name) => {
      const entry = name === 'help' ? undefined : this.#entries.get(name);
      return entry === undefined ? [] : [{ name: name as Registered, help: entry.help }];
    });
  }
}

/** Splits `sms +65 9123 4567 hi` into the subcommand word (lower-cased) and the rest. */
export function splitSubcommand(text: string): { name: string; args: string } {
  const trimmed = text.trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  return match === null ? { name: '', args: '' } : { name: (match[1] ?? '').toLowerCase(), args: match[2] ?? '' };
}

/** The one `/hoiio` listener: routes to the registered subcommand, else acks the help (ephemeral). */
export function handleHoiioCommand(
  deps: Pick<BotDeps, 'config'>,
  subcommands: SubcommandRegistry,
): (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => Promise<void> {
  return async (args) => {
    const { name, args: rest } = splitSubcommand(args.command.text);
    const handler = name === 'help' ? undefined : subcommands.get(name);
    if (handler !== undefined) {
      await handler({ ...args, args: rest });
      return;
    }
    const unknown = name === '' || name === 'help' ? undefined : name;
    await args.ack(helpMessage(subcommands, { unknown, sandboxMode: deps.config.sandboxMode }));
  };
}

/** The ephemeral help: every registered subcommand with its usage and an example. */
export function helpMessage(
  subcommands: SubcommandRegistry,
  { unknown, sandboxMode }: { unknown?: string | undefined; sandboxMode: boolean },
): RespondArguments & { blocks: types.KnownBlock[] } {
  const entries = subcommands.list();
  const intro =
    unknown === undefined
      ? `*${COMMAND.hoiio}* — telephony from Slack. Commands:`
      : `I don't know ${inlineCode(truncateText(unknown, 40))}. Here is what ${COMMAND.hoiio} can do:`;
  const lines = entries.map(
    ({ name, help }) =>
      `• \`${COMMAND.hoiio} ${[name, help.usage].filter(Boolean).join(' ')}\` — ${help.description}` +
      `${help.adminOnly ? ' _(admins)_' : ''}\n      e.g. \`${help.example}\``,
  );
  lines.push(`• \`${COMMAND.hoiio} help\` — this list`);
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: intro } },
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
  ];
  if (entries.length === 0) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'No telephony features are enabled yet.' }] });
  }
  if (sandboxMode) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: ':test_tube: *Sandbox mode*: no Hoiio credentials, nothing real is sent.' }],
    });
  }
  const fallback = [intro, ...lines].join('\n');
  return { response_type: 'ephemeral', text: fallback, blocks };
}
