import { EntityManager, QueryRunner } from 'typeorm';

export interface PiiRead {
  /** Who read it (the token's subject). */
  actor: string;
  actorRoles: readonly string[];
  subjectType: string;
  subjectId: string;
  fields: readonly string[];
  /** Why, as the reader stated it. */
  purpose: string;
}

/** Every unmasked read of personal data leaves a row: who, when, whose, which fields, why. */
export async function recordPiiReads(manager: EntityManager, reads: readonly PiiRead[]): Promise<void> {
  if (reads.length === 0) return;
  const params: unknown[] = [];
  const values = reads.map((r) => {
    const at = params.length;
    params.push(r.actor, r.actorRoles, r.subjectType, r.subjectId, r.fields, r.purpose);
    return `($${at + 1}, $${at + 2}::text[], $${at + 3}, $${at + 4}, $${at + 5}::text[], $${at + 6})`;
  });
  await manager.query(
    `INSERT INTO pii_audit (actor, actor_roles, subject_type, subject_id, fields, purpose) VALUES ${values.join(', ')}`,
    params,
  );
}

/** The audit table, version 1: shipped migrations call this and it never changes. */
export const PiiAuditSchemaV1 = {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE pii_audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        actor_roles text[] NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        fields text[] NOT NULL,
        purpose text NOT NULL,
        CONSTRAINT ck_pii_audit_purpose CHECK (char_length(purpose) BETWEEN 3 AND 500)
      )`);
    await runner.query(`CREATE INDEX ix_pii_audit_subject ON pii_audit (subject_type, subject_id, at)`);
    await runner.query(`CREATE INDEX ix_pii_audit_actor ON pii_audit (actor, at)`);
  },
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE pii_audit`);
  },
};
