-- Confirming an address from the browser that signed up needs no second password, and brings the person back to
-- where they were going (the declaration they came to endorse, say).
alter table email_tokens
  add column browser_hash bytea,
  add column next_path text check (next_path is null or (char_length(next_path) <= 500 and next_path like '/%'));
comment on column email_tokens.browser_hash is 'SHA-256 of a random secret kept in a cookie by the browser that signed up and chose the password (confirmation links of new accounts only); whoever confirms from that browser set the password.';
comment on column email_tokens.next_path is 'Where to go after confirming: an on-site path, checked when the link was made.';
