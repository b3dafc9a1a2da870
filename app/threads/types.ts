/**
 * The threads API as the browser reads it: the shared contract (contract.ts), under the names the panel uses.
 */
export type { Person, Quote, QuoteSelector, Thread, Proposal as ThreadProposal, Comment as ThreadComment, AnchorState, ProposalStatus, EncodedRange } from "./contract";
export type { OutdatedAnswer as OutdatedProposal } from "./contract";
