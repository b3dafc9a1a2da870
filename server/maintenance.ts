/**
 * Housekeeping every instance runs at start and then every hour: the retention job (app/models/retention.server.ts;
 * one instance at a time, by advisory lock). A failed run is logged and tried again at the next one.
 */
import { runRetention } from "../app/models/retention.server";
import { log } from "../app/utils/log.server";

const EVERY_MS = 3600 * 1000;

async function runOnce(): Promise<void> {
  try {
    const report = await runRetention();
    if (report && Object.values(report).some((n) => n > 0)) log.info("retention: forgot what is past its time", { ...report });
    else if (!report) log.debug("retention: another instance is running it");
  } catch (error) {
    log.warn(`retention: the run failed (tried again within the hour): ${(error as Error).message}`);
  }
}

/** Start the housekeeping; the returned function stops it and waits for a run in progress. */
export function startMaintenance(everyMs = EVERY_MS): () => Promise<void> {
  let running = runOnce();
  const timer = setInterval(() => {
    running = running.then(runOnce);
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
