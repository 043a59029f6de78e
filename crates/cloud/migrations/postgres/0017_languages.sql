-- The language each person reads Gatehouse's emails in (ISO 639-1: en, de).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
