/** What the fax e2e tests share: PDFs to fax, the sandbox's sent faxes, opening and submitting the fax modal. */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { expect } from 'vitest';
import { FAX_FIELD, VIEW } from '../../src/bot/ids.js';
import type { FakeFile } from '../support/fake-slack.js';
import { slash, viewSubmission } from '../support/slack-actions.js';
import type { SlackRequest } from '../support/slack-requests.js';
import type { TestApp } from '../support/test-app.js';

/** An A4 PDF of `pages` pages, each saying its number. */
export async function pdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++)
    doc.addPage([595.28, 841.89]).drawText(`Page ${i}`, { x: 60, y: 760, font, size: 18 });
  return doc.save();
}

/** A fax in the sandbox's outbox. */
export interface FaxItem {
  kind: string;
  txn_ref: string;
  dest: string;
  pages: number;
  status: string;
  tag?: string;
  file_url?: string;
  filename?: string;
}

/** The faxes Hoiio (the sandbox) was asked to send, newest first. */
export async function faxes(t: TestApp): Promise<FaxItem[]> {
  return ((await t.sandbox.outbox()) as FaxItem[]).filter((item) => item.kind === 'fax');
}

/** The fax modal as Slack was asked to open it (what the submission needs of it). */
export interface FaxModalView {
  readonly private_metadata: string;
  readonly blocks: { block_id?: string; [key: string]: unknown }[];
  readonly [key: string]: unknown;
}

/** `/hoiio fax <args>` by `user` in `channel` → the modal Slack was asked to open. */
export async function openFaxModal(
  t: TestApp,
  args: string,
  { user, channel }: { user: string; channel: string },
): Promise<FaxModalView> {
  const before = t.slack.calls('views.open').at(-1)?.seq ?? 0;
  const res = await t.sendSigned(slash(t.slack, `fax ${args}`.trim(), { user, channel }).request);
  expect(res.status).toBe(200);
  const call = await t.slack.waitForCall('views.open', (c) => c.seq > before);
  return call.args['view'] as FaxModalView;
}

/** The fax modal submitted with a number, a PDF (a file of the fake Slack), a cover note, a declared size. */
export function faxSubmission(
  view: Pick<FaxModalView, 'private_metadata' | 'blocks'>,
  fields: { to: string; file?: FakeFile | undefined; cover?: string; size?: number },
  { user, viewId = `V${Math.random().toString(36).slice(2, 10).toUpperCase()}` }: { user: string; viewId?: string },
): SlackRequest {
  const file = fields.file;
  const files =
    file === undefined
      ? []
      : [{ id: file.id, name: file.name, filetype: 'pdf', mimetype: file.mimetype, size: fields.size ?? file.size }];
  return viewSubmission({
    callbackId: VIEW.faxSend,
    user,
    viewId,
    privateMetadata: view.private_metadata,
    blocks: view.blocks,
    values: {
      [FAX_FIELD.to]: { [FAX_FIELD.to]: { type: 'plain_text_input', value: fields.to } },
      [FAX_FIELD.file]: { [FAX_FIELD.file]: { type: 'file_input', files } },
      [FAX_FIELD.cover]: { [FAX_FIELD.cover]: { type: 'plain_text_input', value: fields.cover ?? null } },
    },
  });
}
