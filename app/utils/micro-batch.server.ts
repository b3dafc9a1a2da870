/**
 * Group commit for request handlers: calls made while the database is busy wait a moment and go to it together,
 * as one statement, instead of one round trip (and one commit) each. Under light load a call is flushed on the
 * next turn of the event loop, so it waits for nothing; under a spike the batches grow by themselves.
 *
 * `flush` receives the waiting items in arrival order and must return one outcome per item, in the same order
 * (an Error outcome rejects only that call). If `flush` throws, every call of that batch is rejected with it.
 */
export interface MicroBatcher<I, O> {
  (item: I): Promise<O>;
  /** Calls waiting or being flushed (for tests). */
  readonly pending: () => number;
}

export function createMicroBatcher<I, O>(
  flush: (items: I[]) => Promise<(O | Error)[]>,
  options: {
    maxBatch: number;
    maxConcurrent: number;
    /**
     * Bookkeeping that may wait (default 0): a flush starts at most once per this many milliseconds, so under a
     * spike the calls of that time go together; a call after a quiet spell is still flushed on the next turn.
     */
    minIntervalMs?: number;
  },
): MicroBatcher<I, O> {
  const queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  const minIntervalMs = options.minIntervalMs ?? 0;
  let running = 0;
  let inFlight = 0;
  let scheduled = false;
  let lastFlushAt = -Infinity;

  const schedule = () => {
    if (scheduled || running >= options.maxConcurrent || queue.length === 0) return;
    scheduled = true;
    const wait = lastFlushAt + minIntervalMs - performance.now();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  };

  const run = () => {
    scheduled = false;
    if (running >= options.maxConcurrent || queue.length === 0) return;
    lastFlushAt = performance.now();
    const batch = queue.splice(0, options.maxBatch);
    running++;
    inFlight += batch.length;
    const settle = (outcomes: (O | Error)[] | null, error: unknown) => {
      running--;
      inFlight -= batch.length;
      if (outcomes && outcomes.length !== batch.length) {
        error = new Error(`a batch of ${batch.length} got ${outcomes.length} outcomes`);
        outcomes = null;
      }
      batch.forEach((b, i) => {
        if (!outcomes) return b.reject(error);
        const outcome = outcomes[i] as O | Error;
        if (outcome instanceof Error) b.reject(outcome);
        else b.resolve(outcome);
      });
      schedule();
    };
    flush(batch.map((b) => b.item)).then(
      (outcomes) => settle(outcomes, null),
      (error: unknown) => settle(null, error),
    );
    schedule();
  };

  const submit = ((item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    })) as MicroBatcher<I, O>;
  Object.defineProperty(submit, "pending", { value: () => queue.length + inFlight });
  return submit;
}
