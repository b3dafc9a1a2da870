/**
 * Thread events on the document's socket (the server relays them after each commit): read here into a
 * `ThreadEvent`, or null when a message cannot be read (the caller then reloads the list).
 */
import * as decoding from "lib0/decoding";
import type { WebsocketProvider } from "y-websocket";
import type { Thread } from "./types";

/** The message type of thread events on /collab (server → clients). */
export const MESSAGE_THREAD_EVENT = 101;

export interface ThreadEvent {
  seq: number;
  type: string;
  threadId: string;
  /** The thread as it is after the event, when the server sends it. */
  thread?: Thread | null;
}

function parse(json: string): ThreadEvent | null {
  const value = JSON.parse(json) as Partial<ThreadEvent> | null;
  if (!value || typeof value.seq !== "number" || typeof value.threadId !== "string") return null;
  return { seq: value.seq, type: String(value.type ?? ""), threadId: value.threadId, thread: value.thread ?? null };
}

export function installThreadEvents(provider: WebsocketProvider, onEvent: (event: ThreadEvent | null) => void): () => void {
  provider.messageHandlers[MESSAGE_THREAD_EVENT] = (_encoder, decoder) => {
    let event: ThreadEvent | null = null;
    try {
      event = parse(decoding.readVarString(decoder));
    } catch {
      event = null;
    }
    onEvent(event);
  };
  return () => {
    delete provider.messageHandlers[MESSAGE_THREAD_EVENT];
  };
}
