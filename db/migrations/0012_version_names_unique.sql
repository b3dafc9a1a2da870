-- A document's named versions have distinct names (letter case ignored): "After session 2" names one text.
-- Names saved twice before this rule get their save time appended, oldest first kept as it was.
with ranked as (
  select id, row_number() over (partition by document_id, lower(name) order by created_at, id) as n
  from document_versions
)
update document_versions v
set name = left(v.name, 90) || ' (saved ' || to_char(v.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' UTC)'
from ranked r
where r.id = v.id and r.n > 1;

create unique index document_versions_name_key on document_versions (document_id, lower(name));
comment on index document_versions_name_key is 'One named version per name (letter case ignored) in a document.';
