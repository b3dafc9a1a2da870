/**
 * The connections collaboration commits go through: a few "lanes", each a client of exactly one PostgreSQL
 * connection, so statements given to a lane run in the order given, pipelined (the next is sent before the previous
 * has returned). A room that has commits in flight keeps sending on the same lane, which is what lets it chain a
 * batch after one that has not returned yet (db/document-log.ts `appendPlanned`); a room with nothing in flight
 * takes whichever lane has the fewest statements in flight.
 */
import type { Sql } from "../../db/client";
import { appendPlanned, planAppend } from "../../db/document-log";

const NO_DOCUMENT = "00000000-0000-0000-0000-000000000000";

/**
 * Connect, and run the commit statement once in the shape most commits have (one update after an existing row), for
 * a document that does not exist: it writes nothing (the tail row it names is not there), but PostgreSQL has parsed
 * and planned it, and loaded the tables it touches, before the first real edit arrives.
 */
async function warmUp(sql: Sql): Promise<void> {
  const plan = planAppend(NO_DOCUMENT, { seq: 1, hash: Buffer.alloc(32) }, [{ update: new Uint8Array([0, 0]), userId: NO_DOCUMENT }]);
  const outcome = await appendPlanned(NO_DOCUMENT, plan, sql);
  if (outcome.ok) throw new Error("the commit warm-up wrote a row: the log's tail check is not working");
}

export interface CommitLane {
  readonly sql: Sql;
  /** Statements sent on this lane that have not returned yet. */
  inFlight: number;
}

export class CommitLanes {
  private readonly lanes: CommitLane[];

  constructor(clients: Sql[]) {
    if (clients.length === 0) throw new Error("at least one commit connection is needed");
    this.lanes = clients.map((sql) => ({ sql, inFlight: 0 }));
  }

  /**
   * Open every lane's connection now (postgres.js connects on first use), so that the first edits after a start do
   * not wait for connections to be made. A failure here is logged by the caller and retried on first use.
   */
  async connect(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => warmUp(lane.sql)));
  }

  /** The least busy lane. */
  pick(): CommitLane {
    let best = this.lanes[0]!;
    for (const lane of this.lanes) if (lane.inFlight < best.inFlight) best = lane;
    return best;
  }

  async end(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.sql.end({ timeout: 5 })));
  }
}
