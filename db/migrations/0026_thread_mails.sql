-- Mention and reply e-mails of the discussion (app/threads/thread-mails.server.ts): the account setting, and the
-- last time each member was mailed about each thread (at most one e-mail per member, thread and 10 minutes).

alter table users add column thread_emails boolean not null default true;
comment on column users.thread_emails is 'E-mail me when I am mentioned or someone replies in my threads (account page; on by default).';

create table thread_mail_sends (
  thread_id uuid not null references comment_threads (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  sent_at timestamptz not null default now(),
  primary key (thread_id, user_id)
);
create index thread_mail_sends_user_id_idx on thread_mail_sends (user_id);
comment on table thread_mail_sends is 'When a member was last e-mailed about a thread (mention or reply); a new mail is queued only when the last is 10 minutes old or more, decided by one INSERT … ON CONFLICT so that two comments at once send at most one.';
