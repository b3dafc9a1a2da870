/** The outbox as the development page reads it (the route may not import db/ directly: client bundle). */
import { listOutbox, type OutboxRow } from "../../db/outbox";

export function listOutboxForDevelopers(limit: number): Promise<OutboxRow[]> {
  return listOutbox(Math.min(Math.max(1, limit), 200));
}
