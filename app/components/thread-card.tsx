/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * One thread in the discussion panel: its words (as they are now, as they were, or gone), its comments with replies,
 * and, for a proposal, the original struck through beside the proposed wording with only the changed words marked.
 * Every action is a button or a form: reply, edit or delete one's own comment, resolve or reopen, accept or reject
 * (with an optional reason). Accepting after the words changed shows original, current and proposed, and offers to
 * apply the proposal to the current text or to reject it.
 */
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { outdatedProposal, threadsApi, ThreadApiError } from "../threads/api";
import { diffWords } from "../threads/word-diff";
import { canComment, canDecide, canDeleteComment, canDeleteThread, canEditComment, canResolve, proposalId } from "../threads/panel-model";
import type { OutdatedProposal, Thread, ThreadComment } from "../threads/types";
import type { Role } from "../models/roles";
import { formatDateTime, isoString } from "../utils/dates";

export { MAX_COMMENT_CHARS as MAX_COMMENT } from "../threads/contract";
import { MAX_COMMENT_CHARS as MAX_COMMENT, MAX_REASON_CHARS } from "../threads/contract";
import { MentionField } from "./mention-field";

interface CardProps {
  thread: Thread;
  /** The thread's words as they are in the text now (undefined when no longer marked). */
  currentText: string | undefined;
  role: Role;
  focused: boolean;
  onShow: () => void;
  onChanged: () => void;
  /** Anchor this (orphaned) thread to the words selected in the text now (editors and organisers). */
  onReattach?: () => Promise<unknown>;
}

function When({ at }: { at: string }) {
  return <time dateTime={isoString(at)}>{formatDateTime(at)}</time>;
}

/** `proposed` with the words it adds to `original` marked. */
export function ProposedWords({ original, proposed }: { original: string; proposed: string }) {
  if (proposed === "") return <em>(delete these words)</em>;
  return (
    <>
      {diffWords(original, proposed).map((part, index) =>
        part.kind === "removed" ? null : part.kind === "added" ? <ins key={index}>{part.text}</ins> : <span key={index}>{part.text}</span>,
      )}
    </>
  );
}

function useAction(onChanged: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      onChanged();
      return true;
    } catch (caught) {
      setError(caught instanceof ThreadApiError ? caught.message : "That did not work. Try again.");
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

function Words({ thread, currentText }: { thread: Thread; currentText: string | undefined }) {
  // Read from the text itself, so the state follows every keystroke (the server's anchorState catches up after commit).
  if (currentText === undefined) {
    return (
      <div className="thread__words">
        <p className="thread__anchor badge badge--warn">The words are no longer in the text</p>
        <blockquote className="thread__quote">{thread.quote.exact}</blockquote>
      </div>
    );
  }
  if (currentText !== thread.quote.exact) {
    return (
      <div className="thread__words">
        <p className="thread__anchor badge badge--info">The words were edited</p>
        <p className="thread__was">
          Now: <q>{currentText}</q>
        </p>
        <p className="thread__was">
          Was: <q>{thread.quote.exact}</q>
        </p>
      </div>
    );
  }
  return <blockquote className="thread__quote">{currentText}</blockquote>;
}

function CommentItem({ comment, role, onChanged }: { comment: ThreadComment; role: Role; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useAction(onChanged);
  const id = useId();
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = String(new FormData(event.currentTarget).get("body") ?? "").trim();
    if (!body) return;
    if (await run(() => threadsApi.editComment(comment.id, body))) setEditing(false);
  };
  return (
    <li className="comment">
      <p className="comment__meta">
        <strong>{comment.author.name}</strong> <When at={comment.createdAt} />
        {comment.editedAt ? <span className="comment__edited"> (edited)</span> : null}
      </p>
      {editing ? (
        <form onSubmit={save} className="comment__form">
          <label htmlFor={`${id}-body`}>Edit your comment</label>
          <MentionField id={`${id}-body`} name="body" defaultValue={comment.body} maxLength={MAX_COMMENT} required rows={3} autoFocus />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Save
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p className="comment__body">{comment.body}</p>
      )}
      {!editing ? (
        <div className="comment__actions">
          {canEditComment(comment) ? (
            <button type="button" className="link-button" onClick={() => setEditing(true)}>
              Edit<span className="visually-hidden"> your comment</span>
            </button>
          ) : null}
          {canDeleteComment(role, comment) ? (
            <button
              type="button"
              className="link-button"
              disabled={busy}
              onClick={() => {
                if (window.confirm("Delete this comment?")) void run(() => threadsApi.deleteComment(comment.id));
              }}
            >
              Delete<span className="visually-hidden">{` the comment by ${comment.author.name}`}</span>
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/**
 * Accepting answered "outdated": original, current and proposed side by side. The server accepts only when the words
 * are still the original ones, so applying the proposal to changed words is the editor's own edit in the text.
 */
function Outdated({ outdated, onReject, busy }: { outdated: OutdatedProposal; onReject: () => void; busy: boolean }) {
  return (
    <div className="proposal__outdated" role="alert">
      <p>
        <strong>The words changed since this was proposed.</strong>
      </p>
      <dl>
        <dt>Original</dt>
        <dd>{outdated.original}</dd>
        <dt>Current</dt>
        <dd>{outdated.current}</dd>
        <dt>Proposed</dt>
        <dd>
          <ProposedWords original={outdated.current} proposed={outdated.proposed} />
        </dd>
      </dl>
      <p>To apply it to the current text, change the words in the text yourself, then resolve the thread; or reject it.</p>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={onReject}>
          Reject…
        </button>
      </div>
    </div>
  );
}

function Proposal({ thread, role, onChanged }: { thread: Thread; role: Role; onChanged: () => void }) {
  const proposal = thread.proposal;
  const [rejecting, setRejecting] = useState(false);
  const [outdated, setOutdated] = useState<OutdatedProposal | null>(null);
  const { busy, error, setError, run } = useAction(onChanged);
  const id = useId();
  if (!proposal) return null;
  const pending = proposal.status === "pending";
  const accept = async () => {
    setOutdated(null);
    try {
      await threadsApi.accept(proposalId(thread));
      onChanged();
    } catch (caught) {
      const stale = outdatedProposal(caught);
      if (stale) setOutdated(stale);
      else setError(caught instanceof ThreadApiError ? caught.message : "That did not work. Try again.");
    }
  };
  const reject = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    if (await run(() => threadsApi.reject(proposalId(thread), reason || undefined))) {
      setRejecting(false);
      setOutdated(null);
    }
  };
  const decided: Record<string, string> = { accepted: "Accepted", rejected: "Rejected", withdrawn: "Withdrawn", pending: "Waiting for a decision" };
  return (
    <div className="proposal">
      <p className="proposal__line">
        <span className="proposal__label">Original: </span>
        <del>{proposal.original}</del>
      </p>
      <p className="proposal__line">
        <span className="proposal__label">Proposed: </span>
        <span className="proposal__new">
          <ProposedWords original={proposal.original} proposed={proposal.proposed} />
        </span>
      </p>
      <p className="proposal__status">
        {decided[proposal.status]}
        {proposal.decidedBy ? ` by ${proposal.decidedBy.name}` : ""}
        {proposal.decidedAt ? (
          <>
            {", "}
            <When at={proposal.decidedAt} />
          </>
        ) : null}
        {proposal.reason ? `: ${proposal.reason}` : ""}
      </p>
      {pending && canDecide(role) ? (
        <>
          {outdated ? (
            <Outdated outdated={outdated} busy={busy} onReject={() => setRejecting(true)} />
          ) : null}
          {rejecting ? (
            <form className="proposal__reject" onSubmit={reject}>
              <label htmlFor={`${id}-reason`}>Reason for rejecting (optional)</label>
              <input id={`${id}-reason`} name="reason" type="text" maxLength={MAX_REASON_CHARS} autoFocus />
              <div className="actions">
                <button type="submit" disabled={busy}>
                  Reject the proposal
                </button>
                <button type="button" className="secondary" onClick={() => setRejecting(false)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : outdated ? null : (
            <div className="actions">
              <button type="button" disabled={busy} onClick={() => void accept()}>
                Accept<span className="visually-hidden"> the proposal</span>
              </button>
              <button type="button" className="secondary" onClick={() => setRejecting(true)}>
                Reject…
              </button>
            </div>
          )}
        </>
      ) : null}
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A "Reply" button that opens the form (a long discussion would otherwise put hundreds of text boxes in the tab order). */
function ReplyForm({ thread, onChanged }: { thread: Thread; onChanged: () => void }) {
  const { busy, error, run } = useAction(onChanged);
  const [open, setOpen] = useState(false);
  const id = useId();
  const send = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = String(new FormData(event.currentTarget).get("body") ?? "").trim();
    if (!body) return;
    if (await run(() => threadsApi.reply(thread.id, body))) setOpen(false);
  };
  if (!open) {
    return (
      <button type="button" className="secondary thread__reply-button" onClick={() => setOpen(true)}>
        Reply<span className="visually-hidden">{` to ${thread.author.name}`}</span>
      </button>
    );
  }
  return (
    <form className="thread__reply" onSubmit={send}>
      <label htmlFor={`${id}-reply`}>Your reply</label>
      <MentionField id={`${id}-reply`} name="body" rows={2} maxLength={MAX_COMMENT} required autoFocus />
      <div className="actions">
        <button type="submit" disabled={busy}>
          Send reply
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

export function ThreadCard({ thread, currentText, role, focused, onShow, onChanged, onReattach }: CardProps): ReactNode {
  const { busy, error, run } = useAction(onChanged);
  const headingId = useId();
  const kind = thread.kind === "proposal" ? "Proposal" : "Comment";
  const resolved = thread.status === "resolved";
  return (
    <article
      className={`thread${focused ? " is-focused" : ""}${resolved ? " thread--resolved" : ""}`}
      data-thread-id={thread.id}
      data-testid="thread"
      aria-labelledby={headingId}
      aria-current={focused ? "true" : undefined}
      tabIndex={-1}
    >
      <h3 className="thread__title" id={headingId}>
        {`${kind} by ${thread.author.name}`}
        {resolved ? <span className="badge badge--ok thread__status">Resolved</span> : null}
      </h3>
      <p className="thread__meta">
        <When at={thread.createdAt} />
        {currentText !== undefined && !resolved ? (
          <button type="button" className="link-button" onClick={onShow}>
            Show in the text
          </button>
        ) : null}
      </p>
      <Words thread={thread} currentText={currentText} />
      {thread.kind === "proposal" ? <Proposal thread={thread} role={role} onChanged={onChanged} /> : null}
      {thread.comments.length > 0 ? (
        <ol className="thread__comments" aria-label="Comments">
          {thread.comments.map((comment) => (
            <CommentItem key={comment.id} comment={comment} role={role} onChanged={onChanged} />
          ))}
        </ol>
      ) : null}
      {canComment(role) ? <ReplyForm thread={thread} onChanged={onChanged} /> : null}
      {canResolve(role, thread) ? (
        <button
          type="button"
          className="secondary thread__resolve"
          disabled={busy}
          onClick={() => void run(() => (resolved ? threadsApi.reopen(thread.id) : threadsApi.resolve(thread.id)))}
        >
          {resolved ? "Reopen" : "Resolve"}
          <span className="visually-hidden">{` the ${kind.toLowerCase()} by ${thread.author.name}`}</span>
        </button>
      ) : null}
      {onReattach && currentText === undefined && !resolved && canDecide(role) ? (
        <button type="button" className="secondary thread__reattach" disabled={busy} onClick={() => void run(onReattach)}>
          Re-attach to the selected words
          <span className="visually-hidden">{` (the ${kind.toLowerCase()} by ${thread.author.name})`}</span>
        </button>
      ) : null}
      {canDeleteThread(role) ? (
        <button
          type="button"
          className="secondary thread__delete"
          disabled={busy}
          onClick={() => {
            if (window.confirm(`Delete this ${kind.toLowerCase()} and all its replies? The words stay in the text.`)) void run(() => threadsApi.deleteThread(thread.id));
          }}
        >
          Delete thread
          <span className="visually-hidden">{` (the ${kind.toLowerCase()} by ${thread.author.name})`}</span>
        </button>
      ) : null}
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}
