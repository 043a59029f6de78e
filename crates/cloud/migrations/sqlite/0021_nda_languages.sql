-- Each NDA text is in one language (ISO 639-1); visitors read and sign the one of theirs. Versions
-- still count up per facility, so each text keeps its own version and SHA-256.
ALTER TABLE nda_templates ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
