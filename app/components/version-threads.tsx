/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The discussion beside a named version (issue 13), read-only: the threads that existed when it was saved, as they
 * were then (open or resolved, a proposal pending or decided, the comments written by then), each with its words as
 * the version has them. No actions: the live document is where the discussion goes on.
 */
import type { Thread } from "../threads/contract";
import { formatDateTime, isoString } from "../utils/dates";

const STATUS_WORDS = { pending: "pending", accepted: "accepted", rejected: "rejected", withdrawn: "withdrawn" } as const;

function ReadOnlyThread({ thread }: { thread: Thread }) {
  const kind = thread.kind === "proposal" ? "Proposal" : "Comment";
  return (
    <article className={`thread${thread.status === "resolved" ? " thread--resolved" : ""}`} aria-label={`${kind} by ${thread.author.name}`}>
      <h3 className="thread__title">
        {`${kind} by ${thread.author.name}`}
        {thread.status === "resolved" ? <span className="badge badge--ok thread__status">Resolved</span> : null}
      </h3>
      <p className="thread__meta">
        <time dateTime={isoString(thread.createdAt)}>{formatDateTime(thread.createdAt)}</time>
      </p>
      {thread.anchorState === "orphaned" ? <p className="thread__anchor badge badge--warn">Its words are not in this version</p> : null}
      {thread.anchorState === "edited" ? <p className="thread__anchor badge badge--info">Its words read differently in this version</p> : null}
      <blockquote className="thread__quote">{thread.quote.exact}</blockquote>
      {thread.proposal ? (
        <p className="proposal__line">
          <span className="proposal__label">Proposed: </span>
          <q>{thread.proposal.proposed === "" ? "(delete the words)" : thread.proposal.proposed}</q>
          {` — ${STATUS_WORDS[thread.proposal.status]}${thread.proposal.decidedBy ? ` by ${thread.proposal.decidedBy.name}` : ""}`}
        </p>
      ) : null}
      {thread.comments.length > 0 ? (
        <ol className="thread__comments" aria-label="Comments">
          {thread.comments.map((c) => (
            <li key={c.id} className="comment">
              <p className="comment__meta">
                <strong>{c.author.name}</strong> <time dateTime={isoString(c.createdAt)}>{formatDateTime(c.createdAt)}</time>
              </p>
              <p className="comment__body">{c.body}</p>
            </li>
          ))}
        </ol>
      ) : null}
    </article>
  );
}

export function VersionThreads({ threads }: { threads: Thread[] }) {
  const open = threads.filter((t) => t.status === "open").length;
  return (
    <section className="version-threads" aria-labelledby="version-threads-title">
      <h2 id="version-threads-title">Discussion at this version</h2>
      {threads.length === 0 ? (
        <p className="empty">No threads on the text when this version was saved.</p>
      ) : (
        <>
          <p className="meta">{`${threads.length} ${threads.length === 1 ? "thread" : "threads"} when it was saved, ${open} of them open. Read-only: reply in the live document.`}</p>
          <ol className="thread-list">
            {threads.map((t) => (
              <li key={t.id}>
                <ReadOnlyThread thread={t} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
