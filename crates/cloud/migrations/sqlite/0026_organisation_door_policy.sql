-- An organisation may narrow the building's door policy for its own visitors of a category (a
-- JSON access profile: fewer zones, more of them escorted, a shorter visit, more documents, less
-- early access); never widen it.
ALTER TABLE occupancy_categories ADD COLUMN access_profile TEXT;
