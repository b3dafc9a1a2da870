/**
 * The ceiling: a raw websocket relay. Per URL path (room) it forwards every binary message to every other socket
 * of the room. No Yjs, no authentication, no database. Listens on 127.0.0.1 (port from argv[2], 0 = any free
 * port) and prints "relay listening on PORT". Exits when its stdin closes (the benchmark is gone).
 */
import { WebSocketServer, type WebSocket } from "ws";

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: "127.0.0.1", port: Number(process.argv[2] ?? 0), perMessageDeflate: false, maxPayload: 2 * 1024 * 1024 });

wss.on("connection", (ws, req) => {
  const room = new URL(req.url ?? "/", "http://relay").pathname;
  let peers = rooms.get(room);
  if (!peers) rooms.set(room, (peers = new Set()));
  const members = peers;
  members.add(ws);
  ws.on("message", (data, isBinary) => {
    if (!isBinary) return;
    for (const peer of members) if (peer !== ws && peer.readyState === peer.OPEN) peer.send(data, { binary: true });
  });
  ws.on("close", () => {
    members.delete(ws);
    if (members.size === 0 && rooms.get(room) === members) rooms.delete(room);
  });
  ws.on("error", () => ws.terminate());
});

wss.on("listening", () => {
  const address = wss.address();
  process.stdout.write(`relay listening on ${typeof address === "object" && address ? address.port : address}\n`);
});

process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
