/**
 * The threads API as the browser reads it (issue 13's Contracts). Comment bodies and proposals are plain text.
 */
export interface Person {
  name: string;
}

export interface Quote {
  exact: string;
  prefix?: string;
  suffix?: string;
}

export interface ThreadComment {
  id: string;
  author: Person;
  body: string;
  createdAt: string;
  editedAt: string | null;
}

export type ProposalStatus = "pending" | "accepted" | "rejected" | "withdrawn";

export interface ThreadProposal {
  /** The proposal's own id, when the server gives one; otherwise the thread's id names it. */
  id?: string;
  original: string;
  proposed: string;
  status: ProposalStatus;
  decidedBy?: Person | null;
  decidedAt?: string | null;
  reason?: string | null;
}

export type AnchorState = "active" | "edited" | "orphaned";

export interface Thread {
  id: string;
  kind: "comment" | "proposal";
  status: "open" | "resolved";
  anchorState: AnchorState;
  quote: Quote;
  author: Person;
  createdAt: string;
  comments: ThreadComment[];
  proposal?: ThreadProposal | null;
}

/** The 409 answer of accepting a proposal whose words changed since it was made. */
export interface OutdatedProposal {
  error: "outdated";
  original: string;
  current: string;
  proposed: string;
}
