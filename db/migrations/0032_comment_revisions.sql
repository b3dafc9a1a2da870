-- Earlier bodies of edited comments (issue 13): a named version shows each comment as it read when the version was
-- saved. Every edit keeps the body it replaced, in the same statement as the edit (db/threads.ts updateCommentBody).
-- A deleted comment takes its earlier bodies with it (on delete cascade): deleting erases what was said.
create table comment_revisions (
  id bigint generated always as identity primary key,
  comment_id uuid not null references thread_comments (id) on delete cascade,
  body text not null check (char_length(body) between 1 and 10000),
  replaced_at timestamptz not null,
  editor_id uuid references users (id) on delete set null
);
create index comment_revisions_comment on comment_revisions (comment_id, id);
comment on table comment_revisions is 'The body a comment had before each edit, oldest first (id, taken under the comment''s lock, orders them): body was replaced at replaced_at (the comment''s edited_at then) by editor_id. Removed with the comment; the revisions of a deleted account''s comments are removed with the account.';
