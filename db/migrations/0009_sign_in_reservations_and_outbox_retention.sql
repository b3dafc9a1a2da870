-- Sign-in throttling counts an attempt before the password is checked (app/auth/throttle.server.ts): one statement
-- reserves the attempt on every key at once and says whether it may go ahead, so parallel guesses are all counted.
alter table login_throttles add column last_attempt_allowed boolean not null default true;
comment on table login_throttles is 'Sign-in attempt counters per hashed key: "login:pair:<hash>" (account and network), "login:account:<hash>", "login:ip:<hash>" (an IPv4 address or IPv6 /64), "login:device:<hash>" (a device cookie and account). No e-mail or IP is stored here.';
comment on column login_throttles.failures is 'Attempts counted on this key since it was last cleared (each is counted before its password is checked; one that succeeds is given back), forgotten after a quiet day.';
comment on column login_throttles.blocked_until is 'No attempt on this key goes ahead before this time (a refused attempt is counted and may push it later).';
comment on column login_throttles.last_attempt_allowed is 'Whether the attempt counted last went ahead: read back by the statement that counted it.';

-- Sent mails keep no body after 7 days (reset and verification links are expired long before): a scheduled purge
-- (app/mail/outbox-retention.server.ts) blanks the body and records when.
alter table outbox add column body_removed_at timestamptz;
comment on column outbox.body_removed_at is 'When the body was blanked by the 7-day retention purge (null while it is kept).';
comment on table outbox is 'Every e-mail Accord sends. Without SMTP_URL the rows are the delivery (readable at /dev/outbox from the server''s own machine, outside production). Bodies are blanked 7 days after sending.';
