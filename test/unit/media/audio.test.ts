import { describe, expect, test } from 'vitest';
import { isMp3, mp3DurationSeconds } from '../../../src/bot/media/audio.js';

/** `count` MPEG frames with the given header (and padding bit clear): silence, but well-formed. */
function frames(header: readonly number[], frameLength: number, count: number): Buffer {
  const frame = Buffer.alloc(frameLength);
  Buffer.from(header).copy(frame);
  return Buffer.concat(Array.from({ length: count }, () => frame));
}

// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames of 1152 samples (26.1 ms).
const MPEG1_L3_128K = [0xff, 0xfb, 0x90, 0x00];
// MPEG-2 Layer III, 32 kbit/s, 16 kHz (a phone recording): 144-byte frames of 576 samples (36 ms).
const MPEG2_L3_32K = [0xff, 0xf3, 0x48, 0x00];

function id3Tag(bodyLength: number): Buffer {
  const header = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
  header[6] = (bodyLength >> 21) & 0x7f;
  header[7] = (bodyLength >> 14) & 0x7f;
  header[8] = (bodyLength >> 7) & 0x7f;
  header[9] = bodyLength & 0x7f;
  return Buffer.concat([header, Buffer.alloc(bodyLength, 0xff)]); // 0xff bytes would look like sync if not skipped
}

describe('isMp3', () => {
  test('accepts an MPEG frame or an ID3 tag at the start', () => {
    expect(isMp3(frames(MPEG1_L3_128K, 417, 1))).toBe(true);
    expect(isMp3(frames(MPEG2_L3_32K, 144, 1))).toBe(true);
    expect(isMp3(id3Tag(20))).toBe(true);
  });

  test.each([
    ['a PDF', Buffer.from('%PDF-1.4')],
    ['HTML', Buffer.from('<html>')],
    ['empty', Buffer.alloc(0)],
    ['sync with a reserved version', Buffer.from([0xff, 0xeb, 0x90, 0x00])],
    ['sync with a reserved layer', Buffer.from([0xff, 0xf9, 0x90, 0x00])],
    ['sync with a bad bitrate', Buffer.from([0xff, 0xfb, 0xf0, 0x00])],
    ['sync with a bad sample rate', Buffer.from([0xff, 0xfb, 0x9c, 0x00])],
    ['no sync', Buffer.from([0xff, 0x1b, 0x90, 0x00])],
  ])('rejects %s', (_name, bytes) => {
    expect(isMp3(bytes)).toBe(false);
  });
});

describe('mp3DurationSeconds', () => {
  test('sums frames: 10 s at 128 kbit/s', () => {
    const count = Math.round((10 * 44100) / 1152); // 383 frames
    expect(mp3DurationSeconds(frames(MPEG1_L3_128K, 417, count))).toBeCloseTo(10, 1);
  });

  test('skips an ID3v2 tag and handles MPEG-2 phone-quality audio', () => {
    const audio = frames(MPEG2_L3_32K, 144, 250); // 250 x 36 ms = 9 s
    expect(mp3DurationSeconds(Buffer.concat([id3Tag(300), audio]))).toBeCloseTo(9, 1);
  });

  test('resynchronises after junk between frames and ignores a trailing ID3v1 tag', () => {
    const part = frames(MPEG1_L3_128K, 417, 100);
    const junk = Buffer.from('junk in the middle');
    const id3v1 = Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125)]);
    const seconds = mp3DurationSeconds(Buffer.concat([part, junk, part, id3v1]));
    expect(seconds).toBeCloseTo((200 * 1152) / 44100, 1);
  });

  test.each([
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('hello, this is not audio')],
    ['a lone ID3 tag', id3Tag(50)],
    ['a header claiming a huge tag', Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f])],
  ])('is undefined for %s', (_name, bytes) => {
    expect(mp3DurationSeconds(bytes)).toBeUndefined();
  });
});
