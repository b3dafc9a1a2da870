/**
 * Thread events on the document's socket (MESSAGE_THREADS, app/collab/protocol.ts), read into a `ThreadEvent`, or
 * null when a message cannot be read (the caller then reloads the list).
 */
import type { WebsocketProvider } from "y-websocket";
import { MESSAGE_THREADS, readThreadEvent } from "../collab/protocol";
import type { ThreadEvent } from "./contract";

export type { ThreadEvent };

function valid(event: ThreadEvent | null): ThreadEvent | null {
  return event && typeof event.seq === "number" && typeof event.threadId === "string" ? event : null;
}

export function installThreadEvents(provider: WebsocketProvider, onEvent: (event: ThreadEvent | null) => void): () => void {
  provider.messageHandlers[MESSAGE_THREADS] = (_encoder, decoder) => {
    let event: ThreadEvent | null = null;
    try {
      event = valid(readThreadEvent(decoder));
    } catch {
      event = null;
    }
    onEvent(event);
  };
  return () => {
    delete provider.messageHandlers[MESSAGE_THREADS];
  };
}
