import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { BotDeps } from '../../deps.js';
import { FAX_FIELD } from '../../ids.js';
import { SpendCapRefusedError } from '../admin/spend-cap.js';
import { decodeFaxModalMetadata } from './fax-metadata.js';
import { createOutboundFax } from './fax-repository.js';
import { readFaxSubmission } from './fax-submission.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The fax modal's submission: field errors for a bad number or a missing file; else the fax row, its `fax.send`
 * job and its card sync in ONE db transaction (tag `hs-v-<view id>`: a double submit writes nothing more), then
 * the ack closes the modal. The worker does the rest.
 */
export function handleFaxSubmission(deps: Pick<BotDeps, 'config' | 'db' | 'jobWake' | 'logger'>) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const metadata = decodeFaxModalMetadata(view.private_metadata);
    if (metadata === undefined) {
      await ack({
        response_action: 'errors',
        errors: { [FAX_FIELD.to]: 'This form is out of date. Close it and run /hoiio fax again.' },
      });
      return;
    }
    const result = readFaxSubmission(view.state.values, metadata, deps.config.defaultCountry);
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    const { to, fileId, fileName, coverNote } = result.submission;
    let txn: Awaited<ReturnType<typeof createOutboundFax>>;
    try {
      txn = await deps.db.transaction().execute((trx) =>
        createOutboundFax(trx, {
          to,
          fileId,
          fileName,
          coverNote,
          tag: `hs-v-${view.id}`,
          userId: body.user.id,
          teamId: body.team?.id ?? body.user.team_id,
          channelId: metadata.channel,
          threadTs: metadata.threadTs,
        }),
      );
    } catch (error) {
      if (!(error instanceof SpendCapRefusedError)) throw error;
      await ack({ response_action: 'errors', errors: { [FAX_FIELD.to]: error.message } });
      return;
    }
    await ack();
    if (txn === null) {
      deps.logger.info({ viewId: view.id }, 'fax modal submitted again: already queued');
      return;
    }
    deps.jobWake.wake();
  };
}
