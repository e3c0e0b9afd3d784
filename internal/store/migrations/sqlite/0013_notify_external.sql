-- Recipients outside the directory (partners): stored with the message as
-- a JSON list of {name, email, phone, lang}; their deliveries have person
-- and holder id 0.
ALTER TABLE notify_messages ADD COLUMN external TEXT NOT NULL DEFAULT '[]';
