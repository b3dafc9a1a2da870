-- Discussion threads anchored to a document's words (issue 13): threads, their comments, amendment proposals and a
-- per-document sequence of thread events. The anchors themselves are marks in the document, written only by the
-- server in the same transaction as the thread row, as log rows of kind 'annotation'.
alter table document_updates
  add column kind text not null default 'edit' check (kind in ('edit', 'annotation'));
comment on column document_updates.kind is 'edit: a change of the text (typed, restored, an accepted proposal); annotation: the server adding a thread''s anchor mark (the text is unchanged).';

create table comment_threads (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references documents (id) on delete cascade,
  kind text not null check (kind in ('comment', 'proposal')),
  author_id uuid references users (id) on delete set null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  resolved_by uuid references users (id) on delete set null,
  resolved_at timestamptz,
  quote_exact text not null check (char_length(quote_exact) between 1 and 1000),
  quote_prefix text not null default '' check (char_length(quote_prefix) <= 32),
  quote_suffix text not null default '' check (char_length(quote_suffix) <= 32),
  created_seq bigint not null check (created_seq > 0),
  created_at timestamptz not null default now(),
  check ((status = 'resolved') = (resolved_at is not null))
);
create index comment_threads_document on comment_threads (document_id, status);
comment on table comment_threads is 'A discussion anchored to words of a document: its anchor is a mark {threadId} in the document; the quote (exact words + 32 characters each side) is kept to tell whether the marked words changed. created_seq: the log row that added the mark.';

create table thread_comments (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null references comment_threads (id) on delete cascade,
  author_id uuid references users (id) on delete set null,
  body text not null check (char_length(body) between 1 and 10000),
  created_at timestamptz not null default now(),
  edited_at timestamptz
);
create index thread_comments_thread on thread_comments (thread_id, created_at);
comment on table thread_comments is 'Plain-text comments of a thread (mentions written @Name). Deleting one deletes its row: bodies live outside the document''s history so that they can be erased.';

create table thread_proposals (
  thread_id uuid primary key references comment_threads (id) on delete cascade,
  original text not null check (char_length(original) between 1 and 1000),
  proposed text not null check (char_length(proposed) <= 20000),
  status text not null default 'pending' check (status in ('pending', 'accepted', 'rejected', 'withdrawn')),
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz,
  reason text check (char_length(reason) <= 2000),
  decided_seq bigint,
  check ((status = 'pending') = (decided_at is null))
);
comment on table thread_proposals is 'An amendment proposal: replace the thread''s marked words (original, as they were when proposed) with proposed. Accepting is a compare-and-swap on the live document; decided_seq is the log row of an accepted change.';

create table thread_events (
  document_id uuid not null references documents (id) on delete cascade,
  seq bigint not null check (seq > 0),
  type text not null check (type in ('thread-created', 'comment-added', 'comment-edited', 'comment-deleted', 'thread-resolved', 'thread-reopened', 'thread-deleted', 'proposal-decided')),
  thread_id uuid not null,
  actor_id uuid references users (id) on delete set null,
  log_seq bigint not null,
  created_at timestamptz not null default now(),
  primary key (document_id, seq)
);
comment on table thread_events is 'What happened to a document''s threads, numbered per document without gaps (seq), sent to connected clients after commit; log_seq is the document log''s tail when it happened (the anchor it needs). No bodies: the event names the thread, its current state is read from the thread tables.';
