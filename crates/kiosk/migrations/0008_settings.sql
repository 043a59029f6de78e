-- What an admin changed on the kiosk's own settings screen, over its configuration: the language
-- each visitor starts in, the idle timeouts, the badge printer.
CREATE TABLE settings (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    body TEXT NOT NULL
);
