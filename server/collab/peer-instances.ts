/**
 * Which other collaboration instances share this database, so that rooms announce their commits (NOTIFY) only when
 * someone is there to hear them. A lone instance — the usual deployment — then spends nothing per edit on it: the
 * NOTIFY was a second transaction per commit, with its own WAL flush, and woke PostgreSQL's listener backend and this
 * process's LISTEN connection for nothing (measured: ~15 % of the server's CPU and a third of PostgreSQL's in the
 * benchmark's main workload).
 *
 * Every instance says it is there on the same channel (`instance <id>`): when it starts listening, every
 * `periodMs` after, and at once when it hears an instance it did not know (so a new instance learns of the others in
 * one round trip, not a period). One not heard for three periods is taken to be gone. A commit that goes unannounced
 * while an instance is still being learnt of only reaches it late: every instance also compares log positions every
 * period (collab-server.ts), so it is at most that late.
 */
export class PeerInstances {
  private readonly lastHeard = new Map<string, number>();

  constructor(
    readonly ownId: string,
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Another instance said it is there. Returns true when it was not known (or had been taken to be gone). */
  heard(instanceId: string): boolean {
    if (instanceId === this.ownId) return false;
    const known = this.alive(instanceId);
    this.lastHeard.set(instanceId, this.now());
    return !known;
  }

  /** Is any other instance there (heard within three periods)? */
  get present(): boolean {
    for (const id of this.lastHeard.keys()) if (this.alive(id)) return true;
    return false;
  }

  private alive(instanceId: string): boolean {
    const at = this.lastHeard.get(instanceId);
    if (at === undefined) return false;
    if (this.now() - at <= 3 * this.periodMs) return true;
    this.lastHeard.delete(instanceId);
    return false;
  }
}
