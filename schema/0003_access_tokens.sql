-- Pardner schema 3: API access tokens, outside the log. Only SHA-256 hashes of tokens are kept;
-- a revoked token keeps its row (with the time it was revoked) so its history stays visible.
CREATE TABLE access_tokens (
  id INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'auditor')),
  member_id INTEGER REFERENCES members(id),
  label TEXT NOT NULL DEFAULT '',
  created_us INTEGER NOT NULL,
  revoked_us INTEGER,
  CHECK (role != 'member' OR member_id IS NOT NULL)
) STRICT;
CREATE TRIGGER access_tokens_refuse_delete BEFORE DELETE ON access_tokens
BEGIN SELECT RAISE(ABORT, 'access tokens are revoked, never deleted'); END;
