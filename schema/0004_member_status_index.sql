-- Pardner schema 4: GET /v1/members?status= pages members of one status in id order. An index on
-- status holds its rows in (status, id) order, so a page is one range however rare the status;
-- the other list queries already have theirs (accounts_by_member, the code's UNIQUE index, the
-- postings primary key).
CREATE INDEX members_by_status ON members(status);
