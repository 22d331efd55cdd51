/**
 * The Hoiio sandbox's public surface: embed it with {@link createSandbox} (mount `handle()` at
 * `/sandbox` in a server created with `maxHeaderSize: SANDBOX_MAX_HEADER_SIZE`), or run it alone
 * with {@link startSandboxServer}.
 */
export type { CallerOutcome, CallerScript } from './ivr-engine.js';
export {
  magicBehaviour,
  SANDBOX_MAGIC_HOSTS,
  SANDBOX_MAGIC_NUMBERS,
  type SandboxMagicBehaviour,
  type SandboxMagicNumber,
} from './magic-numbers.js';
export type { OutboxItem } from './outbox.js';
export { createSandbox } from './sandbox.js';
export {
  SANDBOX_MAX_HEADER_SIZE,
  type SandboxServer,
  type SandboxServerOptions,
  startSandboxServer,
} from './server.js';
export {
  SANDBOX_ACCESS_TOKEN,
  SANDBOX_APP_ID,
  SANDBOX_FAX_NUMBER,
  SANDBOX_MOBILE_NUMBER,
  SANDBOX_VOICE_NUMBER,
} from './state.js';
export type {
  Sandbox,
  SandboxForwarding,
  SandboxLogger,
  SandboxNotificationEvent,
  SandboxOptions,
  SandboxRequestEvent,
} from './types.js';
