import { describe, expect, test } from 'vitest';
import {
  DEFAULT_GREETING,
  decideIvr,
  GOODBYE,
  type IvrDecision,
  type IvrRoute,
  type IvrState,
  NOBODY_AVAILABLE,
  VOICEMAIL_PROMPT,
} from '../../../src/bot/features/call/ivr-driver.js';

const alice = { userId: 'UALICE', phone: '+6591110001' };
const bob = { userId: 'UBOB', phone: '+6591110002' };
const carol = { userId: 'UCAROL', phone: '+6591110003' };

const route: IvrRoute = {
  channelId: 'C1',
  routed: true,
  greeting: 'Welcome to Acme.',
  ring: [alice, bob],
  voicemail: true,
  voicemailMaxSeconds: 90,
  menu: null,
};

type N = Parameters<typeof decideIvr>[2];
const answer: N = { block: 'answer', callState: 'ringing' };
const ongoing = (block: N['block'], extra: Partial<N> = {}): N => ({ block, callState: 'ongoing', ...extra });
const ended = (block: N['block'], extra: Partial<N> = {}): N => ({ block, callState: 'ended', ...extra });

function advance(d: IvrDecision): Extract<IvrDecision, { kind: 'advance' }> {
  if (d.kind !== 'advance') throw new Error(`expected advance, got ${d.kind} (${d.reason})`);
  return d;
}

/** Plays notifications through the driver like the handler does, collecting the blocks sent. */
function play(r: IvrRoute, notes: { n: N; step?: number | 'current' }[]) {
  let state: IvrState | undefined;
  const blocks: string[] = [];
  const decisions: IvrDecision[] = [];
  for (const { n, step } of notes) {
    const d = decideIvr(state, r, n, step === 'current' ? state?.step : step);
    decisions.push(d);
    if (d.kind === 'advance') {
      state = d.state;
      if (d.block) blocks.push(d.block.block);
    }
  }
  return { state, blocks, decisions };
}

describe('ivr driver', () => {
  test('answer → greeting, then each ring-list phone in turn, then voicemail, then goodbye', () => {
    const first = advance(decideIvr(undefined, route, answer, undefined));
    expect(first.block).toEqual({ block: 'play', step: 1, msg: 'Welcome to Acme.' });
    const t1 = advance(decideIvr(first.state, route, ongoing('play'), 1));
    expect(t1.block).toEqual({ block: 'transfer', step: 2, dest: alice.phone, onFailure: 'continue' });
    const t2 = advance(decideIvr(t1.state, route, ongoing('transfer', { transferStatus: 'unanswered' }), 2));
    expect(t2.block).toEqual({ block: 'transfer', step: 3, dest: bob.phone, onFailure: 'continue' });
    const rec = advance(decideIvr(t2.state, route, ongoing('transfer', { transferStatus: 'busy' }), 3));
    expect(rec.block).toEqual({ block: 'record', step: 4, msg: VOICEMAIL_PROMPT, maxDuration: 90 });
    const bye = advance(
      decideIvr(rec.state, route, ongoing('record', { recordStatus: 'success', recordUrl: 'https://x/r.mp3' }), 4),
    );
    expect(bye.block).toEqual({ block: 'hangup', step: 5, msg: GOODBYE });
    expect(bye.state.outcome).toBe('voicemail');
    const done = advance(decideIvr(bye.state, route, ended('hangup'), 5));
    expect(done.block).toBeUndefined();
    expect(done.state).toMatchObject({ phase: 'ended', outcome: 'voicemail', recordUrl: 'https://x/r.mp3' });
  });

  test('a caller who hangs up after the voicemail recording ends the call as voicemail', () => {
    const { state, blocks } = play(route, [
      { n: answer },
      { n: ongoing('play'), step: 'current' },
      { n: ongoing('transfer', { transferStatus: 'unanswered' }), step: 'current' },
      { n: ongoing('transfer', { transferStatus: 'unanswered' }), step: 'current' },
      {
        n: ended('record', { recordStatus: 'success', recordUrl: 'https://x/v.mp3', recordSeconds: 12 }),
        step: 'current',
      },
    ]);
    expect(blocks).toEqual(['play', 'transfer', 'transfer', 'record']);
    expect(state).toMatchObject({ phase: 'ended', outcome: 'voicemail', recordSeconds: 12 });
  });

  test('answered transfer: answered by the user whose phone was ringing', () => {
    const { state, blocks } = play(route, [
      { n: answer },
      { n: ongoing('play'), step: 'current' },
      { n: ongoing('transfer', { transferStatus: 'unanswered' }), step: 'current' },
      { n: ended('transfer', { transferStatus: 'answered' }), step: 'current' },
    ]);
    expect(blocks).toEqual(['play', 'transfer', 'transfer']);
    expect(state).toMatchObject({ phase: 'ended', outcome: 'answered', answeredBy: 'UBOB' });
  });

  test('hang-ups at any point are missed calls', () => {
    for (const atBlock of ['play', 'transfer', 'record'] as const) {
      const notes: { n: N; step?: number | 'current' }[] = [{ n: answer }];
      if (atBlock !== 'play') notes.push({ n: ongoing('play'), step: 'current' });
      if (atBlock === 'record') {
        notes.push({ n: ongoing('transfer', { transferStatus: 'unanswered' }), step: 'current' });
        notes.push({ n: ongoing('transfer', { transferStatus: 'unanswered' }), step: 'current' });
      }
      notes.push({
        n: ended(atBlock, atBlock === 'record' ? { recordStatus: 'failed' } : { transferStatus: 'unanswered' }),
        step: 'current',
      });
      expect(play(route, notes).state, atBlock).toMatchObject({ phase: 'ended', outcome: 'missed' });
    }
  });

  test('duplicates and late notifications are ignored; an ended notification ends the call whatever its step', () => {
    const first = advance(decideIvr(undefined, route, answer, undefined));
    expect(decideIvr(first.state, route, answer, undefined)).toEqual({ kind: 'ignore', reason: 'duplicate' });
    const t1 = advance(decideIvr(first.state, route, ongoing('play'), 1));
    // the same play notification again (or a late one) no longer matches the awaited step
    expect(decideIvr(t1.state, route, ongoing('play'), 1)).toEqual({ kind: 'ignore', reason: 'stale' });
    expect(decideIvr(t1.state, route, ongoing('play'), undefined)).toEqual({ kind: 'ignore', reason: 'duplicate' });
    // the caller gave up waiting: Hoiio reports the hangup to an older URL
    const over = advance(decideIvr(t1.state, route, ended('hangup'), 1));
    expect(over.state).toMatchObject({ phase: 'ended', outcome: 'missed' });
    expect(decideIvr(over.state, route, ended('transfer', { transferStatus: 'answered' }), 2)).toEqual({
      kind: 'ignore',
      reason: 'ended',
    });
    expect(decideIvr(undefined, route, ongoing('play'), 1)).toEqual({ kind: 'ignore', reason: 'unknown_session' });
  });

  test('no ring list goes straight to voicemail; voicemail off says goodbye and is missed', () => {
    const bare: IvrRoute = { ...route, routed: false, greeting: DEFAULT_GREETING, ring: [] };
    expect(play(bare, [{ n: answer }, { n: ongoing('play'), step: 'current' }]).blocks).toEqual(['play', 'record']);
    const noVoicemail = { ...bare, voicemail: false };
    const r = play(noVoicemail, [
      { n: answer },
      { n: ongoing('play'), step: 'current' },
      { n: ended('hangup'), step: 'current' },
    ]);
    expect(r.blocks).toEqual(['play', 'hangup']);
    const last = r.decisions[1];
    expect(last?.kind === 'advance' && last.block).toMatchObject({ block: 'hangup', msg: NOBODY_AVAILABLE });
    expect(r.state).toMatchObject({ outcome: 'missed' });
  });

  test('menu: the digit picks the ring list and is remembered; an unknown key rings the route', () => {
    const menuRoute: IvrRoute = {
      ...route,
      menu: {
        prompt: 'Press 1 for sales, 2 for support.',
        options: { '1': { label: 'sales', ring: [carol] }, '2': { label: 'support', ring: [bob] } },
      },
    };
    const d = play(menuRoute, [
      { n: answer },
      { n: ongoing('play'), step: 'current' },
      { n: ongoing('gather', { digits: '1' }), step: 'current' },
    ]);
    expect(d.blocks).toEqual(['play', 'gather', 'transfer']);
    const transfer = d.decisions[2];
    expect(transfer?.kind === 'advance' && transfer.block).toMatchObject({ dest: carol.phone });
    expect(d.state).toMatchObject({ digits: '1', menuChoice: 'sales', ring: [carol] });
    const gather = d.decisions[1];
    expect(gather?.kind === 'advance' && gather.block).toMatchObject({ block: 'gather', maxDigits: 1 });

    const other = play(menuRoute, [
      { n: answer },
      { n: ongoing('play'), step: 'current' },
      { n: ongoing('gather', { digits: '' }), step: 'current' },
    ]);
    expect(other.state).toMatchObject({ digits: '', menuChoice: undefined, ring: [alice, bob] });
  });

  test('steps always grow by one per block sent', () => {
    const { decisions } = play(route, [
      { n: answer },
      { n: ongoing('play'), step: 'current' },
      { n: ongoing('transfer', { transferStatus: 'failed' }), step: 'current' },
      { n: ongoing('transfer', { transferStatus: 'unanswered' }), step: 'current' },
      { n: ongoing('record', { recordStatus: 'failed' }), step: 'current' },
    ]);
    const steps = decisions.flatMap((d) => (d.kind === 'advance' && d.block ? [d.block.step] : []));
    expect(steps).toEqual([1, 2, 3, 4, 5]);
    const last = decisions.at(-1);
    expect(last?.kind === 'advance' && last.state.outcome).toBeUndefined();
  });
});
