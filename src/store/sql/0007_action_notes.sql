-- The retro note an action was made from, if any, so the action can show what the team
-- said that led to it. A deleted note leaves the action, without the link.
ALTER TABLE actions ADD COLUMN note_id INTEGER REFERENCES retro_notes (id) ON DELETE SET NULL;
