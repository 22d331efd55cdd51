/**
 * Timers and background work of one sandbox, so that `close()` can stop them and tests can wait
 * until nothing is pending (`whenIdle()`). Delays are multiplied by the sandbox's time scale.
 */
import type { SandboxLogger } from './types.js';

/** Cancels a scheduled callback; a no-op once it ran. */
export type Cancel = () => void;

/** Scaled timers and tracked background work; `whenIdle()` resolves when neither is pending. */
export class Scheduler {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #work = new Set<Promise<unknown>>();
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(
    readonly timeScale: number,
    private readonly logger: SandboxLogger,
  ) {}

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `fn` after `ms` simulated milliseconds (times the time scale), and at least `minRealMs` real ones: for
   * waits on the other side (a caller waiting for the application), which a compressed clock must not shorten
   * below what a busy application needs.
   */
  after(ms: number, fn: () => void, minRealMs = 0): Cancel {
    if (this.#closed) return () => {};
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        try {
          fn();
        } catch (error) {
          this.logger.error({ err: error }, 'sandbox: scheduled step failed');
        }
        this.#check();
      },
      Math.max(0, minRealMs, Math.round(ms * this.timeScale)),
    );
    this.#timers.add(timer);
    return () => {
      if (this.#timers.delete(timer)) {
        clearTimeout(timer);
        this.#check();
      }
    };
  }

  /** Tracks background work (a notification) until it settles; never rejects. */
  track(work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => this.logger.error({ err: error }, 'sandbox: background work failed'),
    );
    this.#work.add(tracked);
    void tracked.finally(() => {
      this.#work.delete(tracked);
      this.#check();
    });
  }

  /** Resolves once no timer is pending and no background work is in flight. */
  whenIdle(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Cancels every pending timer (background work keeps running). */
  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#check();
  }

  /** Stops scheduling, cancels timers and waits for in-flight work. */
  async close(): Promise<void> {
    this.#closed = true;
    this.cancelAll();
    while (this.#work.size > 0) await Promise.all([...this.#work]);
    this.#check();
  }

  #idle(): boolean {
    return this.#timers.size === 0 && this.#work.size === 0;
  }

  #check(): void {
    // Deferred, so that a step which schedules the next one never looks idle in between.
    queueMicrotask(() => {
      if (!this.#idle() || this.#waiters.length === 0) return;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    });
  }
}
