/** Every action the audit trail records (docs/security.md lists what each one's details hold). */
export const AUDIT_ACTIONS = [
  'model.promoted',
  'model.promotion_refused',
  'alias.moved',
  'alias.deleted',
  'model_version.archived',
  'token.created',
  'token.revoked',
  'policy.changed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The alias whose moves are promotions (the one inference serves and monitoring follows). */
export const PRODUCTION_ALIAS = 'production';

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
