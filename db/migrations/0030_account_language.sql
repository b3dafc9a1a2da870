-- Issue 14: the language of the interface an account chose (the account page or the footer switch); null follows
-- the browser's Accept-Language. The four languages Accord's interface is written in.
alter table users add column language text check (language in ('en', 'fr', 'es', 'sv'));
