/**
 * The collaboration websocket on the HTTP server's port, path `/collab/<documentId>`.
 *
 * Before a socket is accepted: the Origin must be ours, the session cookie (or bearer token) must name a user that
 * passes the access gate (a confirmed address; a token with the "read" or "write" scope), and that user must have a
 * role on the document; otherwise the upgrade is answered 401/403/404 and no socket opens. A token without "write"
 * gets a read-only socket. Nothing the client sends before acceptance is read.
 * Rooms are loaded on first join, shared by all connections of this instance, and unloaded after the last one
 * leaves once their writes are committed. Other instances' commits arrive by LISTEN/NOTIFY.
 * Every few seconds each room re-checks its members' roles, sessions and access tokens and closes those that changed
 * or ended (a revoked or expired token too), and compares its log position with the database's: a room behind (a
 * NOTIFY that was lost — the LISTEN connection dropped, or the instance that committed died before announcing)
 * reads the rows it lacks.
 * Sockets are capped per user and document, per user, and per instance, and a socket is paused while its document
 * loads (limits.ts; docs/security.md, "Collaboration socket").
 */
import type { IncomingMessage, Server } from "node:http";
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import * as Y from "yjs";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { allows, gate } from "../../app/auth/access-gate.server";
import { isSameOrigin, ownOrigin } from "../../app/auth/origin-check.server";
import { authenticate } from "../../app/auth/request-auth.server";
import { CloseCode, COLLAB_PATH, colourFor } from "../../app/collab/protocol";
import { getConfig } from "../../app/config.server";
import { canEditDocuments, type Role } from "../../app/models/roles";
import { installLogPlaces } from "../../app/threads/log-place.server";
import { log } from "../../app/utils/log.server";
import { metrics, type CollabGauges } from "../../app/utils/metrics.server";
import { openSingleConnections, type Sql } from "../../db/client";
import { findDocumentForUser, findRolesOnDocuments } from "../../db/access";
import { announceHeldDocuments, announceInstance, parseChannelMessage, readLogTails } from "../../db/document-log";
import { findLiveSessionIds } from "../../db/sessions";
import { findLiveAccessTokenIds } from "../../db/access-tokens";
import { CommitLanes } from "./commit-lanes";
import { Connection } from "./connection";
import {
  DEFAULT_PRESENCE_CAPS,
  DEFAULT_SOCKET_CAPS,
  MAX_BUFFERED_BYTES,
  MAX_DOCUMENT_BYTES,
  MAX_EARLY_BYTES,
  MAX_EARLY_MESSAGES,
  MAX_MESSAGE_BYTES,
  MESSAGE_RATE,
  SYNC_REQUEST_RATE,
  type PresenceCaps,
  type Rate,
  type SocketCaps,
} from "./limits";
import { PeerInstances } from "./peer-instances";
import { closeMember, NOTIFY_CHANNEL, Room, type Member, type RoomLimits } from "./room";

export interface CollabOptions {
  maxMessageBytes: number;
  /** PostgreSQL connections (lanes) commits are pipelined on, besides the pool: see commit-lanes.ts. */
  commitConnections: number;
  /** Where the lanes connect, when not at the process's database URL (the tests reach it through a faulty proxy). */
  commitDatabaseUrl?: string;
  limits: RoomLimits;
  rate: Rate;
  /** Sync step 1 with a partial state vector, and presence queries, per connection. */
  syncRequests: Rate;
  presence: PresenceCaps;
  sockets: SocketCaps;
  accessCheckMs: number;
  unloadAfterMs: number;
}

export const DEFAULT_COLLAB_OPTIONS: CollabOptions = {
  maxMessageBytes: MAX_MESSAGE_BYTES,
  commitConnections: 2,
  limits: { maxDocumentBytes: MAX_DOCUMENT_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, maxBatch: 500, snapshotEvery: 1000, sleepAfterMs: 30_000 },
  rate: MESSAGE_RATE,
  syncRequests: SYNC_REQUEST_RATE,
  presence: DEFAULT_PRESENCE_CAPS,
  sockets: DEFAULT_SOCKET_CAPS,
  accessCheckMs: 2000,
  unloadAfterMs: 5000,
};

function rawLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
}

/** How long a server-side change waits for a room's commits in flight to return before it appends without the room. */
const RESERVE_WAIT_MS = 2000;
/**
 * How long a closing instance waits for its clients to answer "server restarting" (1012) before it cuts the rest off:
 * a process that exits before the close frame has left may reset the connection (the client typing meanwhile leaves
 * unread bytes), which the client, behind a load balancer too, sees as a dropped connection (1006) instead.
 */
const CLOSE_HANDSHAKE_MS = 2000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function refuse(socket: Duplex, status: 401 | 403 | 404 | 400 | 503, text: string): void {
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export class CollabServer {
  readonly instanceId = randomUUID();
  /** The other instances on this database (their rooms' commits are announced to them only when there are any). */
  readonly peers: PeerInstances;
  private readonly wss: WebSocketServer;
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private accessTimer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private uninstallLogPlaces: (() => void) | null = null;
  private closing = false;
  private lanes: CommitLanes | null = null;
  /** Open sockets on this instance, and each user's, oldest first (with the document each is on). */
  private socketCount = 0;
  private readonly socketsByUser = new Map<string, { member: Member; documentId: string }[]>();

  constructor(
    private readonly sql: Sql,
    private readonly options: CollabOptions = DEFAULT_COLLAB_OPTIONS,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
    this.peers = new PeerInstances(this.instanceId, options.accessCheckMs);
  }

  /** What this server reports to /metrics (server/metrics-server.ts) while it runs. */
  private readonly gauges: CollabGauges = { openSockets: () => this.socketCount, loadedRooms: () => this.rooms.size };

  async start(server: Server): Promise<void> {
    metrics().collabServers.add(this.gauges);
    this.lanes = new CommitLanes(openSingleConnections(this.options.commitConnections, "accord-collab-commit", this.options.commitDatabaseUrl));
    await this.lanes.connect().catch((error: unknown) => log.warn(`collab: commit connections will open on first use: ${(error as Error).message}`));
    // postgres.js listens again by itself after its connection was lost; saying we are there again lets the others
    // know at once (they may have taken us to be gone).
    const listener = await this.sql.listen(NOTIFY_CHANNEL, (payload) => this.onNotify(payload), () => this.sayWeAreThere());
    this.unlisten = () => listener.unlisten();
    // Server-side changes of a loaded document (threads' anchors, accepted proposals) take the log's next place from
    // its room instead of colliding with the editors' commits (app/threads/log-place.server.ts).
    this.uninstallLogPlaces = installLogPlaces({
      instanceId: this.instanceId,
      reserve: async (documentId) => {
        const pending = this.rooms.get(documentId);
        if (!pending || this.closing) return null;
        const room = await pending.catch(() => null);
        return room && !room.destroyed ? room.reserve(RESERVE_WAIT_MS) : null;
      },
    });
    server.on("upgrade", (req, socket, head) => {
      socket.on("error", () => socket.destroy());
      this.onUpgrade(req, socket, head).catch((error: unknown) => {
        log.error(`collab: upgrade failed: ${(error as Error).message}`);
        if (!socket.destroyed) refuse(socket, 503, "Service Unavailable");
      });
    });
    this.accessTimer = setInterval(() => void this.recheckAccess(), this.options.accessCheckMs);
    this.accessTimer.unref();
  }

  /** Loaded rooms (for tests and the benchmark). */
  loadedDocumentIds(): string[] {
    return [...this.rooms.keys()];
  }

  /** A loaded room, or null (for tests). */
  async loadedRoom(documentId: string): Promise<Room | null> {
    const pending = this.rooms.get(documentId);
    return pending ? pending.catch(() => null) : null;
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(`${COLLAB_PATH}/`)) return refuse(socket, 404, "Not Found");
    if (this.closing) return refuse(socket, 503, "Service Unavailable");
    if (this.socketCount >= this.options.sockets.total) {
      log.warn(`collab: refused an upgrade: ${this.socketCount} sockets open, the cap of this instance`);
      return refuse(socket, 503, "Service Unavailable");
    }
    const documentId = url.pathname.slice(COLLAB_PATH.length + 1);
    const origin = req.headers.origin;
    if (!origin || !isSameOrigin(origin, ownOrigin(req, getConfig()))) {
      log.warn(`collab: refused an upgrade from another origin`);
      return refuse(socket, 403, "Forbidden");
    }
    const auth = await authenticate({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    if (!auth) return refuse(socket, 401, "Unauthorized");
    if (gate(auth, { door: "socket", method: "GET", path: url.pathname })) return refuse(socket, 403, "Forbidden");
    if (!UUID.test(documentId)) return refuse(socket, 404, "Not Found");
    const document = await findDocumentForUser(documentId, auth.user.id);
    if (!document) return refuse(socket, 404, "Not Found");
    if (socket.destroyed) return;
    // The instance began closing while this upgrade was checked: the sockets it tells "restarting" are already
    // chosen, so this one must not open here. 503 (a load balancer tries another instance; ours does).
    if (this.closing) return refuse(socket, 503, "Service Unavailable");
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const member: Member = {
        ws,
        socket,
        userId: auth.user.id,
        sessionId: auth.session?.id ?? null,
        tokenId: auth.via === "token" ? auth.token.id : null,
        name: auth.user.name,
        color: colourFor(auth.user.id),
        role: document.role,
        // A token without the "write" scope reads along like a viewer.
        canWrite: canEditDocuments(document.role) && allows(auth, "write"),
        clientIds: new Set(),
        awarenessIds: new Set(),
        echoCredit: 0,
        deletes: Y.createDeleteSet(),
        closed: false,
      };
      this.register(member, documentId);
      // While the document loads the socket is not read (what the client sends waits in the kernel); what ws had
      // already read waits here, in order, within MAX_EARLY_MESSAGES and MAX_EARLY_BYTES.
      ws.pause();
      const early: { data: RawData; isBinary: boolean }[] = [];
      let earlyBytes = 0;
      const hold = (data: RawData, isBinary: boolean) => {
        earlyBytes += rawLength(data);
        if (early.length < MAX_EARLY_MESSAGES && earlyBytes <= MAX_EARLY_BYTES) early.push({ data, isBinary });
        else {
          early.length = 0;
          closeMember(member, CloseCode.RateLimited, "too many messages before the document loaded");
        }
      };
      ws.on("message", hold);
      ws.on("close", () => this.unregister(member));
      ws.on("error", (error) => {
        log.warn(`collab: socket error: ${error.message}`);
        const tooLarge = (error as { code?: string }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
        closeMember(member, tooLarge ? CloseCode.MessageTooLarge : CloseCode.BadMessage, tooLarge ? "message too large" : "socket error");
      });
      this.room(documentId).then(
        (room) => {
          ws.off("message", hold);
          if (member.closed || ws.readyState !== ws.OPEN) return;
          this.accept(room, member, ws);
          for (const m of early.splice(0)) ws.emit("message", m.data, m.isBinary);
          ws.resume();
        },
        (error: unknown) => {
          // Never an empty document in its place: the client is told, and nothing is written.
          log.error(`collab: could not load document ${documentId}: ${(error as Error).message}`);
          closeMember(member, CloseCode.LoadFailed, "the document could not be loaded");
        },
      );
    });
  }

  private accept(room: Room, member: Member, ws: WebSocket): void {
    if (room.destroyed) {
      ws.close(CloseCode.LoadFailed, "document reloading");
      return;
    }
    this.cancelUnload(room.documentId);
    const connection = new Connection(member, room, { rate: this.options.rate, syncRequests: this.options.syncRequests, presence: this.options.presence });
    ws.on("message", (data, isBinary) => connection.handle(data, isBinary));
    ws.on("close", () => {
      room.leave(member);
      if (room.members.size === 0) this.scheduleUnload(room);
    });
    room.join(member);
  }

  /**
   * Count a new socket. One past the user's cap on this document, or on this instance, closes that user's oldest
   * socket (there, or anywhere) with 4429: an attacker only closes their own, and a person's forgotten or half-open
   * tabs make way for the one in use.
   */
  private register(member: Member, documentId: string): void {
    this.socketCount += 1;
    const mine = this.socketsByUser.get(member.userId) ?? [];
    mine.push({ member, documentId });
    this.socketsByUser.set(member.userId, mine);
    const caps = this.options.sockets;
    const here = mine.filter((s) => s.documentId === documentId);
    if (here.length > caps.perUserPerDocument) this.closeTooMany(here[0]!.member, `more than ${caps.perUserPerDocument} connections of one account to this document`);
    if (mine.length > caps.perUser) this.closeTooMany(mine[0]!.member, `more than ${caps.perUser} connections of one account to this server`);
  }

  private closeTooMany(member: Member, why: string): void {
    log.warn(`collab: closing the oldest connection of user ${member.userId.slice(0, 8)}: ${why}`);
    this.unregister(member);
    closeMember(member, CloseCode.TooManyConnections, why);
  }

  private unregister(member: Member): void {
    const mine = this.socketsByUser.get(member.userId);
    const at = mine?.findIndex((s) => s.member === member) ?? -1;
    if (!mine || at < 0) return;
    mine.splice(at, 1);
    this.socketCount -= 1;
    if (mine.length === 0) this.socketsByUser.delete(member.userId);
  }

  /** Open sockets on this instance (for tests). */
  get openSockets(): number {
    return this.socketCount;
  }

  private room(documentId: string): Promise<Room> {
    let pending = this.rooms.get(documentId);
    if (!pending) {
      this.sayWeHold(documentId);
      pending = this.loadRoom(documentId);
      this.rooms.set(documentId, pending);
      pending.catch(() => {
        if (this.rooms.get(documentId) === pending) this.rooms.delete(documentId);
      });
    }
    return pending;
  }

  private async loadRoom(documentId: string): Promise<Room> {
    if (!this.lanes) throw new Error("the collaboration server has not started");
    const room = await Room.load(documentId, this.sql, this.lanes, this.peers, this.options.limits);
    const rows = await this.sql<{ update: Buffer; userId: string | null }[]>`
      select update, user_id as "userId" from document_updates where document_id = ${documentId} and user_id is not null
      order by seq desc limit 2000`;
    room.rememberOwners(rows.map((r) => ({ clients: [...Y.parseUpdateMeta(r.update).from.keys()], userId: r.userId })));
    return room;
  }

  private scheduleUnload(room: Room): void {
    this.cancelUnload(room.documentId);
    const timer = setTimeout(() => void this.unload(room), this.options.unloadAfterMs);
    timer.unref();
    this.unloadTimers.set(room.documentId, timer);
  }

  private cancelUnload(documentId: string): void {
    const timer = this.unloadTimers.get(documentId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(documentId);
  }

  private async unload(room: Room): Promise<void> {
    this.unloadTimers.delete(room.documentId);
    await room.drained();
    if (room.members.size > 0 || !room.idle) return;
    // Remove from the registry first: a join from now on loads the committed state from PostgreSQL.
    const current = this.rooms.get(room.documentId);
    if (current && (await current) === room) this.rooms.delete(room.documentId);
    room.destroy();
  }

  private onNotify(payload: string): void {
    const message = parseChannelMessage(payload);
    if (!message) return;
    if (message.kind === "instance") {
      // One we did not know: answer at once, so that it learns of us now and not at our next pass.
      if (this.peers.heard(message.instanceId)) this.sayWeAreThere();
      return;
    }
    if (message.kind === "holds") {
      // Which documents another instance has loaded (peer-instances.ts). One it did not know of: answer at once, as
      // for "instance". A document of ours held by nobody else until now: our commits went unannounced; say where
      // its log is now, so that a commit made before this news reached us is not missed by the one loading it.
      const { newInstance, newlyHeld } = this.peers.heardHolding(message.instanceId, message.documentIds);
      if (newInstance) this.sayWeAreThere();
      for (const documentId of newlyHeld) {
        const room = this.rooms.get(documentId);
        if (room) void room.then((r) => r.reannounce()).catch(() => {});
      }
      return;
    }
    if (message.kind === "threads") {
      // Thread events (app/threads): every instance's open room sends them to its connections.
      const room = this.rooms.get(message.documentId);
      if (room) void room.then((r) => r.relayThreadEvents(message.seq)).catch(() => {});
      return;
    }
    if (message.instanceId === this.instanceId) return;
    if (message.sentAtMs !== undefined) metrics().notifyLag.observe(Math.max(0, Date.now() - message.sentAtMs) / 1000);
    const pending = this.rooms.get(message.documentId);
    if (pending) void pending.then((room) => room.requestCatchUp()).catch(() => {});
  }

  /**
   * Tell the other instances this one is there and which documents it has loaded (peer-instances.ts); a failure only
   * delays their knowing (their commits reach our rooms at the next comparison of log positions meanwhile).
   */
  private sayWeAreThere(): void {
    if (this.closing) return;
    announceInstance(this.sql, this.instanceId, [...this.rooms.keys()]).catch((error: unknown) =>
      log.warn(`collab: could not announce this instance: ${(error as Error).message}`),
    );
  }

  /** Tell the other instances, if any, that this one is loading a document: from now on they announce its commits. */
  private sayWeHold(documentId: string): void {
    if (this.closing || !this.peers.present) return; // none yet: one that comes hears our whole list in our answer
    announceHeldDocuments(this.sql, this.instanceId, [documentId]).catch((error: unknown) =>
      log.warn(`collab: could not announce that this instance holds ${documentId}: ${(error as Error).message}`),
    );
  }

  private checking = false;

  private async recheckAccess(): Promise<void> {
    this.sayWeAreThere();
    this.peers.prune();
    if (this.checking) return; // a slow pass is still running: never stack them
    this.checking = true;
    try {
      await this.recheckAllRooms();
    } finally {
      this.checking = false;
    }
  }

  /**
   * Three queries per pass, however many rooms are loaded: every loaded document's log tail, every member's role,
   * and every member's session; a fourth for every member's access token while token sockets are open (revoked or
   * expired: closed).
   */
  private async recheckAllRooms(): Promise<void> {
    const settled = await Promise.allSettled([...this.rooms.values()]);
    const rooms: Room[] = [];
    const members: { room: Room; member: Member }[] = [];
    for (const r of settled) {
      if (r.status !== "fulfilled" || r.value.destroyed) continue;
      rooms.push(r.value);
      for (const m of r.value.members) if (!m.closed) members.push({ room: r.value, member: m });
    }
    await Promise.all([this.catchUpBehind(rooms), this.recheckMembers(members)]);
  }

  /** Rooms whose log grew without a NOTIFY reaching us read the new rows. */
  private async catchUpBehind(rooms: Room[]): Promise<void> {
    if (rooms.length === 0) return;
    try {
      const tails = await readLogTails(rooms.map((room) => room.documentId), this.sql);
      // Compared when the answer is back: our own commits since then only move knownSeq further.
      for (const room of rooms) if ((tails.get(room.documentId) ?? 0) > room.knownSeq) room.requestCatchUp();
    } catch (error) {
      log.warn(`collab: comparing log positions failed: ${(error as Error).message}`);
    }
  }

  private async recheckMembers(members: { room: Room; member: Member }[]): Promise<void> {
    if (members.length === 0) return;
    try {
      const pairs = new Map<string, { documentId: string; userId: string }>();
      for (const { room, member } of members) pairs.set(`${room.documentId} ${member.userId}`, { documentId: room.documentId, userId: member.userId });
      const ids = (key: "sessionId" | "tokenId") => [...new Set(members.flatMap(({ member }) => (member[key] ? [member[key]] : [])))];
      const [roles, sessions, tokens] = await Promise.all([
        findRolesOnDocuments([...pairs.values()], this.sql),
        findLiveSessionIds(ids("sessionId"), this.sql),
        findLiveAccessTokenIds(ids("tokenId"), this.sql),
      ]);
      for (const { room, member } of members) {
        const role: Role | null = roles.get(`${room.documentId} ${member.userId}`) ?? null;
        if (member.sessionId && !sessions.has(member.sessionId)) closeMember(member, CloseCode.Unauthenticated, "session ended");
        else if (member.tokenId && !tokens.has(member.tokenId)) closeMember(member, CloseCode.Unauthenticated, "access token revoked or expired");
        else if (role !== member.role) closeMember(member, CloseCode.AccessChanged, "Your access to this document changed");
      }
    } catch (error) {
      log.warn(`collab: access re-check failed: ${(error as Error).message}`);
    }
  }

  /** Stop accepting, close sockets (1012), and wait until every queued write is committed. */
  async close(): Promise<void> {
    this.closing = true;
    this.uninstallLogPlaces?.();
    metrics().collabServers.delete(this.gauges);
    if (this.accessTimer) clearInterval(this.accessTimer);
    for (const t of this.unloadTimers.values()) clearTimeout(t);
    const rooms = await Promise.allSettled([...this.rooms.values()]);
    for (const r of rooms) if (r.status === "fulfilled") await r.value.drained();
    // Every socket of this instance: in a room, or still waiting for its document to load (no socket opens after
    // `closing`). Each is told "restarting" and given until its client answers, within CLOSE_HANDSHAKE_MS.
    const members = [...this.socketsByUser.values()].flatMap((sockets) => sockets.map((s) => s.member));
    for (const m of members) closeMember(m, CloseCode.ServiceRestart, "server restarting");
    const answered = members.map((m) => (m.ws.readyState === m.ws.CLOSED ? null : new Promise<void>((resolve) => m.ws.once("close", () => resolve()))));
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(answered), new Promise<void>((resolve) => (waited = setTimeout(resolve, CLOSE_HANDSHAKE_MS)))]);
    clearTimeout(waited);
    // A client that has not answered by then (gone, or not reading) is cut off: the server's own close would
    // otherwise wait for its socket (ws gives a close 30 s), past the process's 10 s to stop. Its "restarting" frame
    // has left already.
    for (const m of members) if (m.ws.readyState !== m.ws.CLOSED) m.ws.terminate();
    await this.unlisten?.().catch(() => {});
    await this.lanes?.end().catch(() => {});
    this.wss.close();
  }
}
