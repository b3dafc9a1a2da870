-- Declarations as parallel texts (issue 14): every document has an authoritative language; a translation is a
-- document of the same workshop bound to one published version of its source; publishing it seals it on its own.

alter table documents add column language text not null default 'en'
  check (char_length(language) between 2 and 35 and language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$');
alter table documents add column translation_of uuid references documents (id) on delete cascade;
alter table documents add column source_version_number integer check (source_version_number > 0);
alter table documents add column source_sha256 text check (source_sha256 ~ '^[0-9a-f]{64}$');
alter table documents add constraint documents_translation_binding check (
  (translation_of is null) = (source_version_number is null) and (translation_of is null) = (source_sha256 is null));
create index documents_translation_of_idx on documents (translation_of) where translation_of is not null;
comment on column documents.language is 'BCP 47 tag (canonical form) of the language the document is written in; the authoritative language of a declaration.';
comment on column documents.translation_of is 'For a translation document: the document it translates, with the published version (number, SHA-256) it translates.';

create table published_translations (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references documents (id) on delete restrict,
  source_document_id uuid not null references declarations (document_id) on delete restrict,
  language text not null check (char_length(language) between 2 and 35),
  number integer not null check (number > 0),
  source_number integer not null,
  source_sha256 text not null check (source_sha256 ~ '^[0-9a-f]{64}$'),
  version_id uuid not null references document_versions (id) on delete restrict,
  title text not null,
  canonical_text text not null,
  html text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  published_by uuid references users (id) on delete restrict,
  published_at timestamptz not null default now(),
  unique (document_id, number),
  foreign key (source_document_id, source_number) references published_versions (document_id, number) on delete restrict
);
create index published_translations_source_idx on published_translations (source_document_id, language, source_number desc, published_at desc);
create index published_translations_sha256_idx on published_translations (sha256);
comment on table published_translations is 'Sealed translations: immutable (a trigger refuses UPDATE and DELETE). sha256 = SHA-256 of canonical_text (UTF-8); bound to the source version (source_number, source_sha256) it translates.';

create trigger published_translations_immutable before update or delete on published_translations
  for each row execute function forbid_published_change();
create trigger published_translations_no_truncate before truncate on published_translations
  for each statement execute function forbid_published_change();
