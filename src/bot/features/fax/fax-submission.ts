import type { ViewOutput } from '@slack/bolt';
import { toE164 } from '../../../hoiio/index.js';
import { FAX_FIELD } from '../../ids.js';
import { COVER_NOTE_MAX_CHARS, FAX_MAX_BYTES } from './blocks.js';
import type { FaxModalMetadata } from './fax-metadata.js';

/** A valid fax modal submission. */
export interface FaxSubmission {
  /** E.164. */
  readonly to: string;
  readonly fileId: string;
  readonly fileName: string | undefined;
  /** Trimmed; undefined when empty. */
  readonly coverNote: string | undefined;
}

export type FaxSubmissionResult =
  | { readonly ok: true; readonly submission: FaxSubmission }
  | { readonly ok: false; readonly errors: Record<string, string> };

type Values = ViewOutput['state']['values'];

/**
 * Reads and checks the fax modal's fields: a valid number, one PDF (uploaded, or the message's file from the
 * metadata), a cover note that fits a page. Errors are keyed by block id, for `response_action: 'errors'`.
 */
export function readFaxSubmission(
  values: Values,
  metadata: FaxModalMetadata,
  defaultCountry: string,
): FaxSubmissionResult {
  const errors: Record<string, string> = {};

  const typed = (values[FAX_FIELD.to]?.[FAX_FIELD.to]?.value ?? '').trim();
  const number = typed === '' ? undefined : toE164(typed, defaultCountry);
  if (number === undefined) errors[FAX_FIELD.to] = 'Enter the fax number to send to, e.g. +65 6123 4567.';
  else if (!number.ok) errors[FAX_FIELD.to] = `${number.problem} Check the number, with its country code.`;

  const uploaded = values[FAX_FIELD.file]?.[FAX_FIELD.file]?.files ?? [];
  let fileId: string | undefined;
  let fileName: string | undefined;
  const [first] = uploaded;
  if (uploaded.length > 1) {
    errors[FAX_FIELD.file] = 'Attach one PDF only.';
  } else if (first !== undefined) {
    const name = typeof first.name === 'string' ? first.name : undefined;
    const type = (first.filetype ?? '').toLowerCase();
    const size = typeof first.size === 'number' ? first.size : undefined;
    if (type !== '' && type !== 'pdf') {
      errors[FAX_FIELD.file] = 'That file is not a PDF. Only PDFs can be faxed: export or print it to PDF first.';
    } else if (size !== undefined && size > FAX_MAX_BYTES) {
      errors[FAX_FIELD.file] = 'That PDF is larger than 2 MB, the most Hoiio accepts for a fax. Make it smaller first.';
    } else {
      fileId = first.id;
      fileName = name;
    }
  } else if (metadata.fileId !== undefined) {
    fileId = metadata.fileId;
    fileName = metadata.fileName;
  } else {
    errors[FAX_FIELD.file] = 'Attach the PDF to fax.';
  }

  const note = (values[FAX_FIELD.cover]?.[FAX_FIELD.cover]?.value ?? '').trim();
  if (note.length > COVER_NOTE_MAX_CHARS) {
    errors[FAX_FIELD.cover] = `Keep the cover note under ${COVER_NOTE_MAX_CHARS} characters so it fits on one page.`;
  } else if (note.split('\n').length > 35) {
    errors[FAX_FIELD.cover] = 'The cover note has too many lines to fit on one page.';
  }

  if (Object.keys(errors).length > 0 || number === undefined || !number.ok || fileId === undefined) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    submission: { to: number.e164, fileId, fileName, coverNote: note === '' ? undefined : note },
  };
}
