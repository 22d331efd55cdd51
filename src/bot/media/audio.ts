/** MP3 recognition and a best-effort duration from MPEG audio frame headers. */

const BITRATES_KBPS = {
  v1l1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
} as const;

const SAMPLE_RATES: Record<'1' | '2' | '2.5', readonly number[]> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

interface FrameHeader {
  /** Frame length in bytes; 0 for "free format" (unknown). */
  length: number;
  samples: number;
  sampleRate: number;
}

function readFrameHeader(bytes: Uint8Array, offset: number): FrameHeader | undefined {
  const b0 = bytes[offset];
  const b1 = bytes[offset + 1];
  const b2 = bytes[offset + 2];
  if (b0 === undefined || b1 === undefined || b2 === undefined) return undefined;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 0b11;
  const layerBits = (b1 >> 1) & 0b11;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0b11;
  if (versionBits === 0b01 || layerBits === 0b00 || bitrateIndex === 0b1111 || rateIndex === 0b11) return undefined;
  const version = versionBits === 0b11 ? '1' : versionBits === 0b10 ? '2' : '2.5';
  const layer = 4 - layerBits; // 0b11 -> I, 0b10 -> II, 0b01 -> III
  const sampleRate = SAMPLE_RATES[version][rateIndex] ?? 0;
  const table =
    version === '1'
      ? layer === 1
        ? BITRATES_KBPS.v1l1
        : layer === 2
          ? BITRATES_KBPS.v1l2
          : BITRATES_KBPS.v1l3
      : layer === 1
        ? BITRATES_KBPS.v2l1
        : BITRATES_KBPS.v2l23;
  const bitrate = (table[bitrateIndex] ?? 0) * 1000;
  const padding = (b2 >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && version !== '1' ? 576 : 1152;
  let length = 0;
  if (bitrate > 0) {
    length =
      layer === 1
        ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
        : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  }
  return { length, samples, sampleRate };
}

function id3v2Size(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const flags = bytes[5] ?? 0;
  let size = 0;
  for (let i = 6; i < 10; i++) size = (size << 7) | ((bytes[i] ?? 0) & 0x7f); // synchsafe
  return 10 + size + (flags & 0x10 ? 10 : 0);
}

/** Whether the bytes start like an MP3: an `ID3` tag or a valid MPEG audio frame header. */
export function isMp3(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) return true;
  return readFrameHeader(bytes, 0) !== undefined;
}

/** How far to look for the next frame when the stream loses sync (junk between frames). */
const MAX_RESYNC_BYTES = 64 * 1024;

/**
 * The playing time of an MP3 in seconds, summed from its frame headers (so CBR and VBR alike).
 * Best effort: `undefined` when no frame is found; never throws.
 */
export function mp3DurationSeconds(bytes: Uint8Array): number | undefined {
  try {
    let offset = id3v2Size(bytes);
    let seconds = 0;
    let frames = 0;
    while (offset + 4 <= bytes.length) {
      const header = readFrameHeader(bytes, offset);
      if (header === undefined || header.length === 0) {
        const next = findNextFrame(bytes, offset + 1);
        if (next === undefined) break;
        offset = next;
        continue;
      }
      frames++;
      seconds += header.samples / header.sampleRate;
      offset += header.length;
    }
    return frames === 0 ? undefined : seconds;
  } catch {
    return undefined;
  }
}

function findNextFrame(bytes: Uint8Array, from: number): number | undefined {
  const end = Math.min(bytes.length - 4, from + MAX_RESYNC_BYTES);
  for (let i = from; i <= end; i++) {
    const header = bytes[i] === 0xff ? readFrameHeader(bytes, i) : undefined;
    if (header !== undefined && header.length > 0) return i;
  }
  return undefined;
}
