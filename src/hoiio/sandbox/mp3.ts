/**
 * A valid, silent MP3 of a given length, built frame by frame (no encoder, no download):
 * MPEG-2 Layer III, 16 kHz mono, 8 kbit/s, 36-byte frames of 576 samples each, whose side
 * information is all zero, which decoders play as silence.
 */

const SAMPLE_RATE = 16_000;
const SAMPLES_PER_FRAME = 576;
const FRAME_BYTES = 36; // floor(72 × 8000 / 16000)
/** Sync, MPEG-2, Layer III, no CRC; 8 kbit/s, 16 kHz, no padding; mono, original. */
const HEADER = [0xff, 0xf3, 0x18, 0xc4];

/** Longest recording generated, in seconds (a longer request is cut to this). */
export const MAX_MP3_SECONDS = 3600;

/** A silent MP3 that plays for `seconds` (at least one frame; rounded up to whole frames). */
export function silentMp3(seconds: number): Uint8Array {
  const wanted = Math.min(Math.max(seconds, 0), MAX_MP3_SECONDS);
  const frames = Math.max(1, Math.ceil((wanted * SAMPLE_RATE) / SAMPLES_PER_FRAME));
  const bytes = new Uint8Array(frames * FRAME_BYTES);
  for (let i = 0; i < frames; i++) bytes.set(HEADER, i * FRAME_BYTES);
  return bytes;
}

/** Playing time of an MP3 made by {@link silentMp3}, in seconds. */
export function silentMp3Seconds(bytes: Uint8Array): number {
  return ((bytes.length / FRAME_BYTES) * SAMPLES_PER_FRAME) / SAMPLE_RATE;
}
