/**
 * A benchmark client process: y-websocket WebsocketProviders (over `ws`, with cookie and Origin headers as a
 * browser sends them, no BroadcastChannel), driven by the coordinator over IPC (bench/protocol.ts).
 *
 * Writers append a short text to their own paragraph of the "default" XmlFragment at a fixed rate and log
 * (clientID, first clock) → send time; every client logs, for each update its provider delivers, which clock
 * ranges of which clients arrived and when. The coordinator matches the two into propagation latencies.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as decoding from "lib0/decoding";
import { MESSAGE_SAVED, MESSAGE_SYNC, MESSAGE_THREADS, readSaved, readThreadEvent } from "../app/collab/protocol";
import { UnconfirmedEdits } from "../app/collab/saved-state";
import { now, type ClientSpec, type Commands, type Reply, type Request, type SendLog, type StateTarget, type Target } from "./protocol";

process.setMaxListeners(0); // every provider adds an 'exit' listener

const FIELD = "default";

function socketClass(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  } as unknown as typeof WebSocket;
}

type Handler = (encoder: unknown, decoder: decoding.Decoder, provider: WebsocketProvider, emitSynced: boolean, messageType: number) => void;

class BenchClient {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly unconfirmed = new UnconfirmedEdits();
  savedUpTo = 0;
  text: Y.XmlText | null = null;
  sendClocks: number[] = [];
  sendTimes: number[] = [];

  constructor(
    readonly spec: ClientSpec,
    target: Target,
    private readonly worker: Worker,
  ) {
    this.provider = new WebsocketProvider(spec.serverUrl, spec.roomName, this.doc, {
      WebSocketPolyfill: socketClass(spec.headers) as never,
      disableBc: true,
      maxBackoffTime: 1000,
    });
    // No presence unless asked: the workload is edits. (Through a plain relay every provider re-broadcasts the
    // presence it learns from others, so each 15-s renewal after staggered joins would fan out O(N³) messages.)
    // With it, as the editor publishes it (app/components/collab-editor.tsx).
    this.provider.awareness.setLocalState(spec.presence ? { user: { name: spec.writer ?? "reader", color: "#30bced" } } : null);
    const handlers = this.provider.messageHandlers as unknown as Handler[];
    if (target !== "accord") {
      // Through a plain relay every peer would answer every joiner's sync step 1 to everyone (N² messages per
      // join). Documents are empty when clients join and writers start after every client is connected, so
      // nothing needs syncing: ignore step 1.
      const sync = handlers[MESSAGE_SYNC]!;
      handlers[MESSAGE_SYNC] = (encoder, decoder, provider, emitSynced, type) => {
        if (decoding.peekVarUint(decoding.clone(decoder)) === 0) return;
        sync(encoder, decoder, provider, emitSynced, type);
      };
    } else {
      // As the editor does (app/collab/saved-state.ts): local updates stay unconfirmed until a "saved" snapshot
      // contains them.
      // Thread events (bench:comments): read as the editor reads them (y-websocket would log "Unable to compute
      // message" for each, costing the load generator the time of a console write).
      handlers[MESSAGE_THREADS] = (_encoder, decoder) => {
        readThreadEvent(decoder);
      };
      handlers[MESSAGE_SAVED] = (_encoder, decoder) => {
        const saved = readSaved(decoder);
        if (spec.writer === null) return;
        this.unconfirmed.confirm(saved.snapshot);
        // Time to "saved" of each logged edit: from its send until a snapshot covering its clock came back.
        const clock = Y.decodeSnapshot(saved.snapshot).sv.get(this.doc.clientID) ?? 0;
        const t = now();
        for (; this.savedUpTo < this.sendClocks.length && this.sendClocks[this.savedUpTo]! < clock; this.savedUpTo++) {
          worker.savedMs.push(t - this.sendTimes[this.savedUpTo]!);
        }
      };
    }
    this.provider.on("connection-close", (event) => {
      // y-websocket also reports an attempt whose handshake failed (the socket never opened; it tries again): counted
      // apart from the closes of open sockets, which are the disconnects people see.
      const code = `${event ? String(event.code) : "timeout"}${this.provider.wsconnected ? "" : " before opening"}`;
      worker.closes[code] = (worker.closes[code] ?? 0) + 1;
    });
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== this.provider) {
        if (spec.writer !== null && target === "accord") this.unconfirmed.add(update);
        return;
      }
      if (!worker.recording) return;
      const t = now();
      const { from, to } = Y.parseUpdateMeta(update);
      for (const [client, start] of from) worker.arrivals.push(spec.room, client, start, to.get(client) ?? start, t);
    });
  }

  get isConnected(): boolean {
    return this.provider.wsconnected;
  }

  createParagraph(): void {
    const p = new Y.XmlElement("paragraph");
    this.text = new Y.XmlText(this.spec.writer ?? "");
    p.insert(0, [this.text]);
    this.doc.getXmlFragment(FIELD).push([p]);
  }

  edit(seq: number, length: number): void {
    const text = this.text!;
    const word = ` ${seq.toString(36)}`.padEnd(length, "x").slice(0, length);
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    this.sendClocks.push(clock);
    this.sendTimes.push(now());
    text.insert(text.length, word);
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }
}

class Worker {
  clients: BenchClient[] = [];
  arrivals: number[] = [];
  savedMs: number[] = [];
  recording = false;
  closes: Record<string, number> = {};
  private loopDelay = monitorEventLoopDelay({ resolution: 5 });

  async connect(args: Commands["connect"]["args"]): Promise<Commands["connect"]["result"]> {
    const joinMs = new Float64Array(args.clients.length).fill(NaN);
    if (args.startAt !== null) await sleep(args.startAt - now());
    for (let i = 0; i < args.clients.length; i += args.batchSize) {
      const batch = args.clients.slice(i, i + args.batchSize);
      const started = args.startAt ?? now();
      // Per batch: 8,000 clients take minutes to join on a busy machine, one batch should not.
      const deadline = now() + args.timeoutMs;
      const made = batch.map((spec) => new BenchClient(spec, args.target, this));
      this.clients.push(...made);
      await Promise.all(
        made.map(
          (c, j) =>
            new Promise<void>((resolve) => {
              const onSync = (synced: boolean) => synced && done();
              const onStatus = ({ status }: { status: string }) => status === "connected" && done();
              const finish = () => {
                clearTimeout(timer);
                c.provider.off("sync", onSync);
                c.provider.off("status", onStatus);
                resolve();
              };
              const done = () => {
                joinMs[i + j] = now() - started;
                finish();
              };
              const timer = setTimeout(finish, Math.max(0, deadline - now()));
              if (args.waitFor === "synced") c.provider.on("sync", onSync);
              else c.provider.on("status", onStatus);
            }),
        ),
      );
      if (joinMs.subarray(i, i + batch.length).some((v) => Number.isNaN(v))) break;
    }
    return { joinMs };
  }

  async rawJoin(args: Commands["rawJoin"]["args"]): Promise<Commands["rawJoin"]["result"]> {
    const joinMs = new Float64Array(args.clients.length).fill(NaN);
    let bytes = 0;
    await sleep(args.startAt - now());
    const step1 = new Uint8Array([MESSAGE_SYNC, 0, 1, 0]); // sync, step 1, state vector of 1 byte: no clients
    const sockets = args.clients.map((spec, i) => {
      const ws = new WebSocket(`${spec.serverUrl}/${spec.roomName}`, { headers: spec.headers });
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, args.timeoutMs);
        ws.on("open", () => ws.send(step1));
        ws.on("message", (data: Buffer) => {
          if (data[0] !== MESSAGE_SYNC || data[1] !== 1) return;
          joinMs[i] = now() - args.startAt;
          bytes += data.byteLength;
          clearTimeout(timer);
          resolve();
        });
        ws.on("error", () => {});
        ws.on("close", () => resolve());
      });
      return { ws, done };
    });
    await Promise.all(sockets.map((s) => s.done));
    for (const s of sockets) s.ws.terminate();
    return { joinMs, bytes };
  }

  prepare(): Commands["prepare"]["result"] {
    const writers: StateTarget[] = [];
    for (const c of this.clients) {
      if (c.spec.writer === null) continue;
      c.createParagraph();
      writers.push({ room: c.spec.room, clientID: c.doc.clientID, clock: Y.getState(c.doc.store, c.doc.clientID) });
    }
    return { writers };
  }

  async run(args: Commands["run"]["args"]): Promise<Commands["run"]["result"]> {
    const writers = this.clients.filter((c) => c.spec.writer !== null);
    const perWriter = Math.round(args.rate * args.seconds);
    const interval = 1000 / args.rate;
    const lags: number[] = [];
    this.recording = true;
    this.loopDelay.reset();
    this.loopDelay.enable();
    await Promise.all(
      writers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const phase = Math.random() * interval;
            let k = 0;
            const tick = () => {
              const due = args.startAt + phase + k * interval;
              lags.push(now() - due);
              w.edit(k, args.editText);
              k += 1;
              if (k >= perWriter) return resolve();
              setTimeout(tick, Math.max(0, args.startAt + phase + k * interval - now()));
            };
            setTimeout(tick, Math.max(0, args.startAt + phase - now()));
          }),
      ),
    );
    lags.sort((a, b) => a - b);
    return {
      writers: writers.map((w) => ({ room: w.spec.room, clientID: w.doc.clientID, clock: Y.getState(w.doc.store, w.doc.clientID) })),
      edits: perWriter * writers.length,
      timerLagP99: lags.length ? lags[Math.min(lags.length - 1, Math.ceil(lags.length * 0.99) - 1)]! : 0,
      timerLagMax: lags.length ? lags[lags.length - 1]! : 0,
    };
  }

  async waitState(args: Commands["waitState"]["args"]): Promise<Commands["waitState"]["result"]> {
    const deadline = now() + args.timeoutMs;
    // By room: with 2,000 documents, every client against every target was 8 million checks a poll.
    const byRoom = new Map<number, StateTarget[]>();
    for (const t of args.targets) {
      const list = byRoom.get(t.room);
      if (list) list.push(t);
      else byRoom.set(t.room, [t]);
    }
    const missing = () => {
      let n = 0;
      for (const c of this.clients) {
        for (const t of byRoom.get(c.spec.room) ?? []) {
          if (t.clientID === c.doc.clientID) continue;
          if (Y.getState(c.doc.store, t.clientID) < t.clock) n += 1;
        }
      }
      return n;
    };
    let left = missing();
    while (left > 0 && now() < deadline) {
      await sleep(5);
      left = missing();
    }
    return { missing: left };
  }

  async waitSaved(args: Commands["waitSaved"]["args"]): Promise<Commands["waitSaved"]["result"]> {
    const writers = this.clients.filter((c) => c.spec.writer !== null);
    const deadline = now() + args.timeoutMs;
    const confirmed = () => writers.filter((w) => w.unconfirmed.empty).length;
    while (confirmed() < writers.length && now() < deadline) await sleep(10);
    return { confirmed: confirmed(), writers: writers.length };
  }

  collect(): Commands["collect"]["result"] {
    this.recording = false;
    this.loopDelay.disable();
    const sendLogs: SendLog[] = this.clients
      .filter((c) => c.spec.writer !== null)
      .map((c) => ({ room: c.spec.room, clientID: c.doc.clientID, clocks: Float64Array.from(c.sendClocks), times: Float64Array.from(c.sendTimes) }));
    const result = {
      sendLogs,
      arrivals: Float64Array.from(this.arrivals),
      savedMs: Float64Array.from(this.savedMs),
      writerTexts: this.clients.filter((c) => c.text).map((c) => ({ room: c.spec.room, marker: c.spec.writer!, text: c.text!.toString() })),
      closes: { ...this.closes },
      loopDelayP99: this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e6 : 0,
      loopDelayMax: this.loopDelay.count > 0 ? this.loopDelay.max / 1e6 : 0,
    };
    this.arrivals = [];
    this.savedMs = [];
    return result;
  }

  disconnect(): Commands["disconnect"]["result"] {
    const closed = this.clients.length;
    for (const c of this.clients) c.destroy();
    this.clients = [];
    this.arrivals = [];
    this.savedMs = [];
    this.closes = {};
    this.recording = false;
    return { closed };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

const worker = new Worker();

async function dispatch(request: Request): Promise<unknown> {
  switch (request.cmd) {
    case "connect":
      return worker.connect(request.args);
    case "rawJoin":
      return worker.rawJoin(request.args);
    case "prepare":
      return worker.prepare();
    case "run":
      return worker.run(request.args);
    case "waitState":
      return worker.waitState(request.args);
    case "waitSaved":
      return worker.waitSaved(request.args);
    case "collect":
      return worker.collect();
    case "disconnect":
      return worker.disconnect();
  }
}

process.on("message", (message: Request) => {
  dispatch(message).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies Reply),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
  );
});
// The coordinator is gone (crashed or killed): leave too.
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0)); // exit normally (so that --cpu-prof writes its profile)
process.send!({ id: 0, ok: true, result: "ready" } satisfies Reply);
