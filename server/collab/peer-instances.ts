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
 *
 * Several instances behind a load balancer that sends each document's sockets to one of them (deploy/nginx) each hold
 * their own documents: a commit then needs announcing only when another instance has that document loaded. Each
 * instance therefore also says which documents it holds (`holds <id> <document> …`): every period, all of them, and at
 * once when it loads one. A room announces its commits only while another instance was heard holding its document
 * within three periods — or while an instance is there that never said what it holds (an older version: it may hold
 * anything). The room learning that a document has become held elsewhere announces its position at once
 * (collab-server.ts), so a commit made before that news arrived, which nobody was told of, is not missed either.
 */
export class PeerInstances {
  private readonly lastHeard = new Map<string, number>();
  /** Instances that say what they hold; the others are taken to hold every document. */
  private readonly telling = new Set<string>();
  /** documentId → instanceId → when it was last heard holding it. */
  private readonly holders = new Map<string, Map<string, number>>();

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

  /**
   * Another instance said it holds these documents (and, by saying it, that it tells what it holds; saying so also
   * means it is there). Returns whether that instance was not known (as `heard`), and the documents that were held by
   * no other instance before: their rooms here did not announce their commits, and must announce their position now.
   */
  heardHolding(instanceId: string, documentIds: readonly string[]): { newInstance: boolean; newlyHeld: string[] } {
    if (instanceId === this.ownId) return { newInstance: false, newlyHeld: [] };
    const newInstance = !this.alive(instanceId);
    const newlyHeld: string[] = [];
    const now = this.now();
    for (const documentId of documentIds) {
      if (!this.heldElsewhere(documentId)) newlyHeld.push(documentId);
      let byInstance = this.holders.get(documentId);
      if (!byInstance) this.holders.set(documentId, (byInstance = new Map()));
      byInstance.set(instanceId, now);
    }
    this.lastHeard.set(instanceId, now);
    this.telling.add(instanceId);
    return { newInstance, newlyHeld };
  }

  /** Must a commit of this document be announced: has another instance that is there it loaded, or may it have? */
  heldElsewhere(documentId: string): boolean {
    for (const id of this.lastHeard.keys()) {
      if (!this.alive(id)) continue;
      if (!this.telling.has(id)) return true;
    }
    const byInstance = this.holders.get(documentId);
    if (!byInstance) return false;
    for (const [id, at] of byInstance) {
      if (this.now() - at <= 3 * this.periodMs && this.alive(id)) return true;
      byInstance.delete(id);
    }
    if (byInstance.size === 0) this.holders.delete(documentId);
    return false;
  }

  /** Forget holdings not heard for three periods (called every period, so that documents nobody holds do not pile up). */
  prune(): void {
    for (const documentId of [...this.holders.keys()]) this.heldElsewhere(documentId);
  }

  private alive(instanceId: string): boolean {
    const at = this.lastHeard.get(instanceId);
    if (at === undefined) return false;
    if (this.now() - at <= 3 * this.periodMs) return true;
    this.lastHeard.delete(instanceId);
    this.telling.delete(instanceId);
    return false;
  }
}
