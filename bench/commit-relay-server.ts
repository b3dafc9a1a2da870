/**
 * The floor for commit before relay: the raw relay of relay-server.ts, except that every binary message is first
 * committed to PostgreSQL — one autocommit INSERT of its bytes, pipelined in order on one connection, as Accord's
 * rooms commit on their commit connections — and forwarded to the room's other sockets only when that INSERT has
 * returned. No Yjs, no hash chain, no NOTIFY, no authentication: the least any server can do that keeps the promise.
 * argv: port (0 = any free port), database URL. Prints "commit-relay listening on PORT"; exits when stdin closes.
 */
import postgres from "postgres";
import { WebSocketServer, type RawData, type WebSocket } from "ws";

const url = process.argv[3];
if (!url) throw new Error("usage: commit-relay-server.ts PORT DATABASE_URL");
const sql = postgres(url, { max: 1, idle_timeout: 0, onnotice: () => {}, connection: { application_name: "accord-bench-commit-relay" } });

await sql`create table if not exists bench_commit_relay (room text not null, seq bigint not null, data bytea not null, primary key (room, seq))`;
await sql`truncate bench_commit_relay`;
// As Accord's commit connections do at start: connect and run the statement once before the first message.
await sql`insert into bench_commit_relay (room, seq, data) values (${"warm-up"}, ${1}, ${Buffer.alloc(1)})`;

interface Room {
  name: string;
  peers: Set<WebSocket>;
  seq: number;
}
const rooms = new Map<string, Room>();

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(process.argv[2] ?? 0), perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });

wss.on("connection", (ws, req) => {
  const name = new URL(req.url ?? "/", "http://relay").pathname;
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = { name, peers: new Set(), seq: 0 }));
  const members = room;
  members.peers.add(ws);
  ws.on("message", (data, isBinary) => {
    if (!isBinary) return;
    const bytes = bytesOf(data);
    members.seq += 1;
    // One connection: the answers come back in the order the INSERTs were sent, so forwarding keeps the order.
    sql`insert into bench_commit_relay (room, seq, data) values (${members.name}, ${members.seq}, ${bytes})`.then(
      () => {
        for (const peer of members.peers) if (peer !== ws && peer.readyState === peer.OPEN) peer.send(bytes, { binary: true });
      },
      (error: unknown) => process.stderr.write(`commit-relay: ERROR insert failed: ${(error as Error).message}\n`),
    );
  });
  // The room (and its seq) is kept when everyone leaves: a rejoin must not reuse log positions.
  ws.on("close", () => members.peers.delete(ws));
  ws.on("error", () => ws.terminate());
});

wss.on("listening", () => {
  const address = wss.address();
  process.stdout.write(`commit-relay listening on ${typeof address === "object" && address ? address.port : address}\n`);
});

const stop = () => void sql.end({ timeout: 2 }).finally(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
