import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { findPhoneNumbers, formatPhoneNumber } from '../../../hoiio/index.js';
import type { BotDeps } from '../../deps.js';
import { slackTextToPlain } from '../../slack-text.js';
import { faxModal } from './blocks.js';

type Args = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/** A file of a Slack message, as far as the shortcut needs it. */
export interface MessageFile {
  readonly id: string;
  readonly name?: string | undefined;
}

/** The first PDF among a message's `files` (by filetype, mimetype or name), if any. */
export function firstPdfFile(files: unknown): MessageFile | undefined {
  if (!Array.isArray(files)) return undefined;
  for (const file of files as unknown[]) {
    if (file === null || typeof file !== 'object') continue;
    const id: unknown = Reflect.get(file, 'id');
    const name: unknown = Reflect.get(file, 'name');
    const filetype: unknown = Reflect.get(file, 'filetype');
    const mimetype: unknown = Reflect.get(file, 'mimetype');
    const pdf =
      filetype === 'pdf' || mimetype === 'application/pdf' || (typeof name === 'string' && /\.pdf$/i.test(name));
    if (pdf && typeof id === 'string' && id !== '') return { id, name: typeof name === 'string' ? name : undefined };
  }
  return undefined;
}

/**
 * Message shortcut "Fax this PDF": opens the fax modal with the message's PDF (by Slack file id) and the first
 * phone number of its text. A message without a PDF opens the modal with the file input and a line saying so.
 */
export function handleFaxShortcut({ config, logger }: Pick<BotDeps, 'config' | 'logger'>) {
  return async ({ shortcut, ack, client }: Args): Promise<void> => {
    const { message } = shortcut;
    const pdf = firstPdfFile(message['files']);
    const [number] = findPhoneNumbers(slackTextToPlain(message.text ?? ''), config.defaultCountry);
    const threadTs: unknown = message['thread_ts'];
    const view = faxModal({
      number: number === undefined ? undefined : formatPhoneNumber(number),
      hint:
        pdf === undefined
          ? ':information_source: That message has no PDF attached: upload the PDF to fax below.'
          : undefined,
      metadata: {
        channel: shortcut.channel.id,
        threadTs: typeof threadTs === 'string' ? threadTs : undefined,
        fileId: pdf?.id,
        fileName: pdf?.name,
      },
    });
    try {
      await client.views.open({ trigger_id: shortcut.trigger_id, view });
    } catch (error) {
      logger.warn({ err: error }, 'could not open the fax modal from the shortcut');
    }
    await ack();
  };
}
