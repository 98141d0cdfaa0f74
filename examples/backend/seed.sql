-- Seed data for the migration rehearsal (migrate-dry-run's seed-sql): a few rows in every table
-- that exists at the revision it is loaded at (0001_create_items or later), so that a downgrade
-- that loses data has data to lose. Loaded into the scratch database only, never production.
INSERT INTO items (name, description) VALUES
  ('lamp', 'A desk lamp'),
  ('chair', 'An office chair; 100% wool'),
  ('desk', NULL);

DO $$
BEGIN
  IF to_regclass('reviews') IS NOT NULL THEN
    INSERT INTO reviews (item_id, rating, comment)
    SELECT id, 4, 'bright enough' FROM items WHERE name = 'lamp'
    UNION ALL
    SELECT id, 2, NULL FROM items WHERE name = 'chair'
    UNION ALL
    SELECT id, 5, 'sturdy' FROM items WHERE name = 'chair';
  END IF;
  IF EXISTS (
    SELECT 1 FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'items' AND column_name = 'category'
  ) THEN
    UPDATE items SET category = 'furniture' WHERE name IN ('chair', 'desk');
  END IF;
END
$$;
