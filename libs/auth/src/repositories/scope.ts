import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import type { TenantScope } from '../caller.js';

/** Restricts a query to the scope's tenant (no-op for the platform scope). */
export function applyScope<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  scope: TenantScope,
  alias: string,
): SelectQueryBuilder<T> {
  return scope.kind === 'tenant'
    ? qb.andWhere(`${alias}.tenant_id = :scopeTenant`, { scopeTenant: scope.tenantId })
    : qb;
}
