import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { binaryFrame } from "../../server/collab/frames";

// A real websocket server whose handler writes frames straight to the connection, as a room does, and a real client.
let wss: WebSocketServer;
let url: string;
let frames: Buffer[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  wss.on("connection", (ws, req) => {
    ws.send(new Uint8Array([1, 2, 3])); // ws's own frame first: ours must follow it in order
    for (const frame of frames) req.socket.write(frame);
  });
  await new Promise((resolve) => wss.once("listening", resolve));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => wss.close(resolve)));

function receive(count: number): Promise<{ data: Buffer; isBinary: boolean }[]> {
  const client = new WebSocket(url, { maxPayload: 0 });
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  return new Promise((resolve, reject) => {
    client.on("message", (data, isBinary) => {
      messages.push({ data: data as Buffer, isBinary });
      if (messages.length === count) {
        client.close();
        resolve(messages);
      }
    });
    client.on("error", reject);
  });
}

describe("a message framed once for many sockets", () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 300_000])("reaches a websocket client as one binary message of %i bytes", async (size) => {
    const payload = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
    frames = [binaryFrame(payload)];
    const [first, ours] = await receive(2);
    expect([...first!.data]).toEqual([1, 2, 3]);
    expect(ours!.isBinary).toBe(true);
    expect(Buffer.compare(ours!.data, Buffer.from(payload))).toBe(0);
  });

  it("is the same bytes for every socket: written three times, read as three messages in order", async () => {
    const a = binaryFrame(new Uint8Array([0, 2, 1]));
    const b = binaryFrame(new Uint8Array(70_000).fill(9));
    frames = [a, b, a];
    const messages = await receive(4);
    expect(messages.map((m) => m.data.length)).toEqual([3, 3, 70_000, 3]);
  });
});
