-- Login sessions and API tokens. Only the SHA-256 (hex) of a token is kept:
-- whoever reads the database cannot use it to log in. Instants are seconds
-- since the Unix epoch. A deleted user loses every session with it.

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    csrf_token TEXT,
    label TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
