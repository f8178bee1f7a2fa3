-- Tamper-evident audit (issue 8, item 7): audit events are only ever appended.
--
-- A trigger refuses UPDATE and DELETE of "AuditEvent" rows, and TRUNCATE of the table, for every
-- role that does not first disable it (which needs the table's owner: a superuser or the owner can
-- always do so, and `npm run cli -- admin audit verify` then finds what they changed).
--
-- One exception: lib/audit/backfill-chain.ts, run by the migrator after the migrations, chains the
-- events written before this migration. It runs with `SET LOCAL switchyard.audit_backfill = 'on'`
-- and may then only fill seq, prevHash and hash of a row that has no hash yet; every other column
-- must stay as it was, and a chained row can never be changed, flag or not. This is narrower than
-- disabling the trigger in the backfill transaction: that would need the table's owner, take an
-- exclusive lock, and let the transaction change anything, chained rows included.
--
-- Team deletion cascades to AuditEvent (ON DELETE CASCADE in the schema); this trigger refuses that
-- cascade, so a team with audit events cannot be deleted. Nothing in the product deletes teams;
-- keep it that way: the audit of a team outlives the team.
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- nested: OLD and NEW are not assigned in the statement-level (TRUNCATE) trigger
  IF TG_OP = 'UPDATE' AND current_setting('switchyard.audit_backfill', true) = 'on' THEN
    IF OLD."hash" IS NULL AND OLD."seq" IS NULL AND NEW."hash" IS NOT NULL AND NEW."seq" IS NOT NULL
       AND (to_jsonb(NEW) - 'seq' - 'prevHash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prevHash' - 'hash')
    THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on "AuditEvent" is refused (audit events are never changed or deleted)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditEvent_append_only_rows" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "AuditEvent_append_only_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();

-- The chain of the events of no team (sign-ins) needs its own uniqueness: ("teamId", "seq") does
-- not hold for a NULL teamId. Not in schema.prisma, which cannot express a partial index.
CREATE UNIQUE INDEX "AuditEvent_noTeam_seq_key" ON "AuditEvent"("seq") WHERE "teamId" IS NULL;
-- Finds the events the backfill still has to chain without reading the whole table at each start.
CREATE INDEX "AuditEvent_unchained_idx" ON "AuditEvent"("createdAt") WHERE "hash" IS NULL;
