-- Re-attaching an orphaned thread to new words (issue 13): editors and organisers move its anchor to a new selection;
-- the change is a thread event of its own, sent to every client like the others.
alter table thread_events drop constraint thread_events_type_check;
alter table thread_events add constraint thread_events_type_check
  check (type in ('thread-created', 'comment-added', 'comment-edited', 'comment-deleted', 'thread-resolved', 'thread-reopened',
    'thread-deleted', 'proposal-decided', 'thread-reattached'));
