import { describe, expect, test } from 'vitest';
import { type FaxCardInput, faxCard, faxFileProblemNotice, faxModal } from '../../../src/bot/features/fax/blocks.js';
import { decodeFaxModalMetadata, encodeFaxModalMetadata } from '../../../src/bot/features/fax/fax-metadata.js';
import { ACTION, FAX_FIELD, VIEW } from '../../../src/bot/ids.js';

const base: FaxCardInput = { id: 7, status: 'queued', to: '+6561234567', userId: 'U1', fileName: 'contract.pdf' };

function actionIds(blocks: unknown[]): string[] {
  return blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements.map((e: any) => e.action_id) : []));
}

describe('faxCard', () => {
  test.each(['queued', 'sent', 'delivered', 'failed', 'unknown'] as const)(
    'text carries the status word %s',
    (status) => {
      const { text, blocks } = faxCard({ ...base, status });
      expect(text).toMatch(new RegExp(`: ${status}\\b`));
      expect(JSON.stringify(blocks)).toContain(`*${status}*`);
    },
  );

  test('shows sender, file, pages with the cover, estimate, then the real cost and the ref', () => {
    const queued = JSON.stringify(
      faxCard({ ...base, pages: 4, hasCover: true, estimate: { amount: '0.06', rate: '0.015', currency: 'SGD' } })
        .blocks,
    );
    expect(queued).toContain('<@U1>');
    expect(queued).toContain('contract.pdf');
    expect(queued).toContain('4 (incl. cover page)');
    expect(queued).toContain('≈ SGD 0.060 (SGD 0.015/min)');
    const done = JSON.stringify(
      faxCard({
        ...base,
        status: 'delivered',
        pages: 3,
        txnRef: 'AA-C-1',
        estimate: { amount: '0.045', rate: '0.015', currency: 'SGD' },
        debit: { amount: '0.045', currency: 'SGD' },
      }).blocks,
    );
    expect(done).toContain('SGD 0.045');
    expect(done).not.toContain('Estimated');
    expect(done).toContain('AA-C-1');
  });

  test('contact name and untrusted file name are escaped', () => {
    const { text, blocks } = faxCard({ ...base, contactName: '<!channel> Acme', fileName: '<https://evil|x>.pdf' });
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(text).toContain('Acme (+65 6123 4567)');
  });

  test('failed and retryable → Retry with the id; retried → no button; file problems → no Retry', () => {
    const failed = faxCard({ ...base, status: 'failed', error: 'The fax line was busy.', retryable: true });
    expect(actionIds(failed.blocks)).toEqual([ACTION.faxRetry]);
    expect(failed.text).toContain('The fax line was busy.');
    expect(JSON.stringify(failed.blocks)).toContain('"value":"7"');
    expect(actionIds(faxCard({ ...base, status: 'failed', retryable: true, retriedBy: 9 }).blocks)).toEqual([]);
    expect(actionIds(faxCard({ ...base, status: 'failed', retryable: false }).blocks)).toEqual([]);
  });

  test('unknown → Check status, never Retry; while checking, no button', () => {
    expect(actionIds(faxCard({ ...base, status: 'unknown', retryable: true }).blocks)).toEqual([ACTION.txnCheckStatus]);
    const checking = faxCard({ ...base, status: 'unknown', checking: true });
    expect(actionIds(checking.blocks)).toEqual([]);
    expect(JSON.stringify(checking.blocks)).toContain('Checking with Hoiio');
  });
});

describe('faxModal', () => {
  test('has the number, a single-PDF file input and an optional cover note', () => {
    const view = faxModal({ number: '+65 6123 4567', metadata: { channel: 'C1' } });
    expect(view.callback_id).toBe(VIEW.faxSend);
    const inputs = view.blocks.filter((b: any) => b.type === 'input') as any[];
    expect(inputs.map((b) => b.block_id)).toEqual([FAX_FIELD.to, FAX_FIELD.file, FAX_FIELD.cover]);
    expect(inputs[0].element.initial_value).toBe('+65 6123 4567');
    expect(inputs[1].element).toMatchObject({ type: 'file_input', filetypes: ['pdf'], max_files: 1 });
    expect(inputs[1].optional).toBe(false);
    expect(inputs[2].optional).toBe(true);
    expect(decodeFaxModalMetadata(view.private_metadata ?? '')).toEqual({ channel: 'C1' });
  });

  test('with a message file, names it and makes the upload optional', () => {
    const view = faxModal({ metadata: { channel: 'C1', fileId: 'F1', fileName: 'a<b>.pdf' }, hint: 'hi' });
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('a&lt;b&gt;.pdf');
    expect((view.blocks.find((b: any) => b.block_id === FAX_FIELD.file) as any).optional).toBe(true);
    expect(decodeFaxModalMetadata(view.private_metadata ?? '')).toMatchObject({ fileId: 'F1', fileName: 'a<b>.pdf' });
  });
});

test('metadata round-trips and rejects what is not ours', () => {
  const m = { channel: 'C1', threadTs: '1.2', fileId: 'F1', fileName: 'x.pdf' };
  expect(decodeFaxModalMetadata(encodeFaxModalMetadata(m))).toEqual(m);
  expect(decodeFaxModalMetadata('')).toBeUndefined();
  expect(decodeFaxModalMetadata('{"x":1}')).toBeUndefined();
});

test('the file-problem notice is escaped', () => {
  const text = faxFileProblemNotice({ to: '+6561234567', fileName: '<!here>.pdf', reason: 'The file is not a PDF.' });
  expect(text).toContain('The file is not a PDF.');
  expect(text).not.toContain('<!here>');
});
