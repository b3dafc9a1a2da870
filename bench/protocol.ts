/**
 * The benchmark's coordinator ↔ client-worker messages (child_process IPC, "advanced" serialization so typed
 * arrays travel as they are), and the clock every process shares.
 */

/** Milliseconds on CLOCK_MONOTONIC: the same clock in every process of this machine (unlike performance.now()). */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** accord: the real server; relay: a raw websocket relay; commit-relay: the relay committing each message first. */
export type Target = "accord" | "relay" | "commit-relay";

export interface ClientSpec {
  /** Index of the document (room) in the scenario. */
  room: number;
  /** Provider server URL: ws://127.0.0.1:PORT/collab (Accord) or ws://127.0.0.1:PORT (relay). */
  serverUrl: string;
  /** The room name (the document id). */
  roomName: string;
  headers: Record<string, string>;
  /** For writers: the unique text their paragraph starts with; null for readers. */
  writer: string | null;
  /**
   * Publish presence as the editor does (a name and a colour, renewed by y-protocols every 15 s). Without it a client
   * in a quiet room hears nothing, and y-websocket's provider closes and reopens a socket silent for 30 s.
   */
  presence?: boolean;
}

/** "Every client of `room` has at least `clock` of `clientID`" (the author itself excepted). */
export interface StateTarget {
  room: number;
  clientID: number;
  clock: number;
}

export interface SendLog {
  room: number;
  clientID: number;
  /** First clock of each edit, ascending. */
  clocks: Float64Array;
  /** now() right before each edit. */
  times: Float64Array;
}

export interface Commands {
  connect: {
    args: {
      target: Target;
      clients: ClientSpec[];
      /** Clients connected at once; the next batch starts when this one is connected. */
      batchSize: number;
      /** "synced": sync step 2 received and applied; "open": socket open (the relay never answers sync). */
      waitFor: "synced" | "open";
      /** Create every provider at this now() (a join storm); null: now, batch by batch. */
      startAt: number | null;
      /** Each batch's time to connect; a batch with a client still not connected then ends the connecting. */
      timeoutMs: number;
    };
    /** Per client, ms from creation (or startAt) until connected; NaN when it never was. */
    result: { joinMs: Float64Array };
  };
  /**
   * Bare sockets (no Yjs): each sends sync step 1 with an empty state vector at `startAt` and waits for the sync
   * step 2 answer, without applying it. Measures what the server takes to serve a join, without the client's work.
   */
  rawJoin: {
    args: { clients: ClientSpec[]; startAt: number; timeoutMs: number };
    result: { joinMs: Float64Array; bytes: number };
  };
  prepare: { args: Record<string, never>; result: { writers: StateTarget[] } };
  run: {
    args: { startAt: number; seconds: number; rate: number; editText: number };
    result: { writers: StateTarget[]; edits: number; timerLagP99: number; timerLagMax: number };
  };
  waitState: { args: { targets: StateTarget[]; timeoutMs: number }; result: { missing: number } };
  waitSaved: { args: { timeoutMs: number }; result: { confirmed: number; writers: number } };
  collect: {
    args: Record<string, never>;
    result: {
      sendLogs: SendLog[];
      /** Flat (room, clientID, fromClock, toClock, receivedAt) per received update. */
      arrivals: Float64Array;
      /** Accord: ms from each logged edit's send until a "saved" message covered it (its author's view). */
      savedMs: Float64Array;
      writerTexts: { room: number; marker: string; text: string }[];
      closes: Record<string, number>;
      loopDelayP99: number;
      loopDelayMax: number;
    };
  };
  disconnect: { args: Record<string, never>; result: { closed: number } };
}

export type Command = keyof Commands;

export type Request = { [K in Command]: { id: number; cmd: K; args: Commands[K]["args"] } }[Command];

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
