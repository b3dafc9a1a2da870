/** Node collaboration clients: y-websocket's provider over `ws`, with our cookie and Origin, as a browser would. */
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { MESSAGE_SAVED, MESSAGE_SYNC, readSaved } from "../../app/collab/protocol";
import { UnconfirmedEdits } from "../../app/collab/saved-state";
import { createSession } from "../../app/auth/session.server";

/** A WebSocket class that sends `headers`; `onUpgrade` hears each handshake's answer headers (which instance served it, behind the test nginx). */
export function socketClass(headers: Record<string, string>, onUpgrade?: (headers: Record<string, string | string[] | undefined>) => void): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
      if (onUpgrade) this.once("upgrade", (res) => onUpgrade(res.headers));
    }
  } as unknown as typeof WebSocket;
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text: () => string;
  /** Each "saved" message: the log seq it confirms, this client's clock in its snapshot, and the snapshot's size. */
  saved: { seq: number; clock: number; bytes: number }[];
  /** Each close of a socket, with whether it had opened (a failed handshake is reported as 1006, never opened). */
  closes: { code: number; reason: string; opened: boolean }[];
  /** Behind the test nginx: the instance ("127.0.0.1:<port>") each of its connections reached, in order. */
  upstreams: string[];
  denied: string[];
  isSaved: () => boolean;
  destroy: () => void;
}

export async function sessionCookie(userId: string): Promise<string> {
  const { token } = await createSession(userId, "test-client");
  return `accord_session=${token}`;
}

/** A client as a browser would connect: with `cookie` (or, in `headers`, an `authorization` bearer token). */
export function connectClient(baseUrl: string, documentId: string, cookie: string, origin = baseUrl, headers: Record<string, string> = {}): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, "ws") + "/collab", documentId, doc, {
    WebSocketPolyfill: socketClass({ cookie, origin, ...headers }, (answer) => {
      const upstream = answer["x-accord-upstream"];
      if (typeof upstream === "string") client.upstreams.push(upstream);
    }) as never,
    disableBc: true,
    maxBackoffTime: 300,
  });
  const unconfirmed = new UnconfirmedEdits();
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== provider) unconfirmed.add(update);
  });
  const client: TestClient = {
    doc,
    provider,
    text: () => doc.getXmlFragment("default").toString(),
    saved: [],
    closes: [],
    upstreams: [],
    denied: [],
    isSaved: () => unconfirmed.empty,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder: unknown, decoder: decoding.Decoder) => {
    const saved = readSaved(decoder);
    unconfirmed.confirm(saved.snapshot);
    client.saved.push({ seq: saved.seq, clock: Y.decodeSnapshot(saved.snapshot).sv.get(doc.clientID) ?? 0, bytes: saved.snapshot.byteLength });
  };
  provider.messageHandlers[2] = (_encoder: unknown, decoder: decoding.Decoder) => {
    decoding.readVarUint(decoder);
    client.denied.push(decoding.readVarString(decoder));
  };
  provider.on("connection-close", (event) => {
    // Emitted before the provider updates its state: `wsconnected` still says whether this socket had opened.
    if (event) client.closes.push({ code: event.code, reason: event.reason, opened: provider.wsconnected });
  });
  return client;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Append a paragraph of text through the shared type, as the editor would. */
export function typeParagraph(client: TestClient, text: string): void {
  const fragment = client.doc.getXmlFragment("default");
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  fragment.push([p]);
}

/** A bare socket to a document, with our cookie and Origin, and its messages in order as they come. */
async function bareSocket(baseUrl: string, documentId: string, cookie: string) {
  const ws = new WebSocket(baseUrl.replace(/^http/, "ws") + "/collab/" + documentId, { headers: { cookie, origin: baseUrl } });
  const queue: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  let closed: Error | null = null;
  ws.on("message", (data: Buffer) => {
    queue.push(new Uint8Array(data));
    wake?.();
  });
  ws.on("close", (code) => {
    closed = new Error(`closed with ${code}`);
    wake?.();
  });
  ws.on("error", () => {});
  /** The next message whose first varuints are `prefix` (others are skipped: presence, "saved"). */
  const next = async (...prefix: number[]): Promise<decoding.Decoder> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      while (queue.length > 0) {
        const decoder = decoding.createDecoder(queue.shift()!);
        if (prefix.every((p) => decoding.readVarUint(decoder) === p)) return decoder;
      }
      if (closed) throw closed;
      if (Date.now() > deadline) throw new Error(`no message ${prefix.join("/")} within 10 s`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
      wake = null;
    }
  };
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("close", (code) => reject(new Error(`closed with ${code} before it opened`)));
  });
  return { ws, next };
}

/**
 * Open a bare socket to a document and return the state vector the server's first message (its sync step 1) offers,
 * decoded: what the server says the committed document holds.
 */
export async function serverStateVector(baseUrl: string, documentId: string, cookie: string): Promise<Map<number, number>> {
  const { ws, next } = await bareSocket(baseUrl, documentId, cookie);
  try {
    return Y.decodeStateVector(decoding.readVarUint8Array(await next(MESSAGE_SYNC, syncProtocol.messageYjsSyncStep1)));
  } finally {
    ws.close();
  }
}

/** Join as a client holding `stateVector` (sync step 1) and return the update the server answers with (step 2). */
export async function serverAnswerTo(baseUrl: string, documentId: string, cookie: string, stateVector: Uint8Array): Promise<Uint8Array> {
  const { ws, next } = await bareSocket(baseUrl, documentId, cookie);
  try {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(encoder, stateVector);
    ws.send(encoding.toUint8Array(encoder));
    return decoding.readVarUint8Array(await next(MESSAGE_SYNC, syncProtocol.messageYjsSyncStep2));
  } finally {
    ws.close();
  }
}
