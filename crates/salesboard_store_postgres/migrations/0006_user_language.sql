-- Each user's chosen UI language (zh or en); none: the browser's.
ALTER TABLE users ADD COLUMN language TEXT;
