-- Account groups never cross tenants: a group's members are managed accounts of the group's own
-- partner, and its resources are that partner's live (not deleted) integration packs. The API
-- checks this before writing; these triggers make the database refuse anything else too, because
-- group membership is what decides which packs a managed account may see and install.
--
-- Triggers rather than composite foreign keys, so that the V1 tables keep their shape. The
-- attributes they compare never change after a row is created (an account's type and parent, a
-- group's partner, a pack's partner), except a pack's deleted_at: that row is read FOR SHARE, so
-- a pack being deleted concurrently either commits its deletion first (the insert is refused) or
-- waits until the new resource row has committed (and its clean-up then removes it).
-- Violations raise SQLSTATE 23503 (foreign_key_violation) with the trigger's name as constraint.

CREATE FUNCTION account_group_members_same_partner() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM account_groups g
        JOIN accounts a ON a.parent_account_id = g.partner_account_id
        WHERE g.id = NEW.account_group_id
          AND a.id = NEW.account_id
          AND a.type = 'MANAGED') THEN
        RAISE EXCEPTION 'account % is not a managed account of the partner of account group %',
                NEW.account_id, NEW.account_group_id
            USING ERRCODE = 'foreign_key_violation',
                  CONSTRAINT = 'account_group_members_same_partner',
                  TABLE = 'account_group_members';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER account_group_members_same_partner
    BEFORE INSERT OR UPDATE ON account_group_members
    FOR EACH ROW EXECUTE FUNCTION account_group_members_same_partner();

CREATE FUNCTION account_group_packs_same_partner() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1
    FROM integration_packs p
    JOIN account_groups g ON g.partner_account_id = p.partner_account_id
    WHERE p.id = NEW.integration_pack_id
      AND g.id = NEW.account_group_id
      AND p.deleted_at IS NULL
    FOR SHARE OF p;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'integration pack % is not a live pack of the partner of account group %',
                NEW.integration_pack_id, NEW.account_group_id
            USING ERRCODE = 'foreign_key_violation',
                  CONSTRAINT = 'account_group_packs_same_partner',
                  TABLE = 'account_group_packs';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER account_group_packs_same_partner
    BEFORE INSERT OR UPDATE ON account_group_packs
    FOR EACH ROW EXECUTE FUNCTION account_group_packs_same_partner();

-- "the groups of an account that share a pack" is answered from both sides: the members of a
-- group (primary key) and the groups of an account (V1's account_group_members_account_idx); the
-- packs of a group (primary key) and the groups of a pack (V1's account_group_packs_pack_idx).
-- Groups of a partner, in creation order, for the keyset-paged list:
CREATE INDEX account_groups_partner_idx ON account_groups (partner_account_id, id);
