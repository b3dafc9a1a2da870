-- A server change of the document that sends its COMMIT in the same round trip as its log row (app/threads/
-- threads.server.ts, `appendLast`) cannot look at the row's answer before committing: when another writer took the
-- log's next place, the append itself must fail, so that PostgreSQL turns the COMMIT behind it into a ROLLBACK and
-- nothing of the change is written (db/threads.ts, `appendServerRow` with `orFail`). SQLSTATE AC409: a conflict.
create function accord_log_place_taken(document_id uuid, seq bigint) returns void language plpgsql as $$
begin
  raise exception 'the log''s place % of document % was taken by another writer', seq, document_id using errcode = 'AC409';
end $$;

comment on function accord_log_place_taken(uuid, bigint) is
  'Raised by a server change''s append whose place in document_updates was taken (its pipelined COMMIT then rolls back).';
