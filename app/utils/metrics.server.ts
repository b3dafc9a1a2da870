/**
 * The process's Prometheus metrics (prom-client), served by server/metrics-server.ts on their own port. One registry
 * per process, kept on globalThis like the configuration (the Remix server build carries its own copy of this
 * module). Labels are bounded: routes are patterns (server/route-patterns.ts), outcomes are a few words; never an
 * address, a user, a document or a path.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What a collaboration server reports when scraped. */
export interface CollabGauges {
  openSockets(): number;
  loadedRooms(): number;
}

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  commitDuration: Histogram<"outcome">;
  commitsInFlight: Gauge;
  logPlaceHold: Histogram;
  notifyLag: Histogram;
  endorsements: Counter<"outcome">;
  mails: Counter<"outcome">;
  collabServers: Set<CollabGauges>;
}

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "accord_" }); // includes event-loop lag (accord_nodejs_eventloop_lag_*)
  const collabServers = new Set<CollabGauges>();
  const sum = (f: (c: CollabGauges) => number) => [...collabServers].reduce((n, c) => n + f(c), 0);
  new Gauge({
    name: "accord_open_sockets",
    help: "Collaboration websockets open on this instance",
    registers: [registry],
    collect() {
      this.set(sum((c) => c.openSockets()));
    },
  });
  new Gauge({
    name: "accord_loaded_rooms",
    help: "Documents loaded in memory by the collaboration server of this instance",
    registers: [registry],
    collect() {
      this.set(sum((c) => c.loadedRooms()));
    },
  });
  return {
    registry,
    collabServers,
    httpDuration: new Histogram({
      name: "accord_http_request_duration_seconds",
      help: "HTTP requests by route pattern, method and status, from arrival to the last byte sent",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    commitDuration: new Histogram({
      name: "accord_commit_duration_seconds",
      help: "Collaboration commits (one batch of edits appended to a document's log), from sending to PostgreSQL's answer",
      labelNames: ["outcome"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    commitsInFlight: new Gauge({ name: "accord_commits_in_flight", help: "Collaboration commits sent and not yet answered", registers: [registry] }),
    logPlaceHold: new Histogram({
      name: "accord_log_place_hold_seconds",
      help: "Server-side changes of a document (a thread's anchor, an accepted proposal): how long each held the log's next place, the editors' commits on this instance waiting meanwhile",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    notifyLag: new Histogram({
      name: "accord_notify_lag_seconds",
      help: "From another instance's NOTIFY of a commit to its arrival here (instances' clocks must agree)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    endorsements: new Counter({
      name: "accord_endorsements_total",
      help: "Endorsements accepted, and refused by reason (invalid, forbidden, not_found, duplicate, rate_limited)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    mails: new Counter({
      name: "accord_mails_total",
      help: "Mails queued (stored in the outbox), sent by SMTP, and failed (SMTP refused or could not be reached)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
  };
}

const KEY = Symbol.for("accord.metrics");
const holder = globalThis as unknown as { [KEY]?: Metrics };

export function metrics(): Metrics {
  return (holder[KEY] ??= create());
}

const REFUSALS: Record<number, string> = { 400: "invalid", 401: "forbidden", 403: "forbidden", 404: "not_found", 409: "duplicate", 429: "rate_limited" };

/** Count an endorsement attempt's outcome from its promise (a refusal carries an HTTP status). */
export async function countEndorsement<T>(attempt: Promise<T>): Promise<T> {
  try {
    const done = await attempt;
    metrics().endorsements.inc({ outcome: "accepted" });
    return done;
  } catch (error) {
    const status = (error as { status?: number } | null)?.status;
    metrics().endorsements.inc({ outcome: (status && REFUSALS[status]) || "error" });
    throw error;
  }
}
