// Numeric ids of groups: Astakos shows a user's groups as Keystone roles `{"id": <integer>,
// "name": …}`, and an id must stay the same for a group name. Ids are given in order of first
// use, existing groups first; the trigger numbers every group a user is put in, whichever code
// path inserts it.
export default /* sql */ `
CREATE TABLE group_ids (
  id   INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE
);

INSERT INTO group_ids (name)
  SELECT group_name FROM user_groups GROUP BY group_name ORDER BY MIN(rowid);

CREATE TRIGGER user_groups_number AFTER INSERT ON user_groups
BEGIN
  -- Not INSERT OR IGNORE: an ignored insert still uses up an AUTOINCREMENT number.
  INSERT INTO group_ids (name)
    SELECT NEW.group_name WHERE NOT EXISTS (SELECT 1 FROM group_ids WHERE name = NEW.group_name);
END;
`;
