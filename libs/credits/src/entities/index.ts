import { CreditAccountEntity } from './credit-account.entity.js';
import { CreditKeySpendEntity } from './credit-key-spend.entity.js';
import { CreditLedgerEntryEntity } from './credit-ledger-entry.entity.js';
import { CreditReservationEntity } from './credit-reservation.entity.js';
import { CreditTenantSettingsEntity } from './credit-tenant-settings.entity.js';
import { UsageDailyEntity } from './usage-daily.entity.js';
import { UsageRecordEntity } from './usage-record.entity.js';

export {
  CreditAccountEntity,
  CreditKeySpendEntity,
  CreditLedgerEntryEntity,
  CreditReservationEntity,
  CreditTenantSettingsEntity,
  UsageDailyEntity,
  UsageRecordEntity,
};
export { LEDGER_KINDS, type LedgerKind } from './credit-ledger-entry.entity.js';
export type { CreditAccountKind } from './credit-account.entity.js';
export type { ReservationStatus } from './credit-reservation.entity.js';
export type { UsageStatus } from './usage-record.entity.js';

export const CREDITS_ENTITIES = [
  CreditAccountEntity,
  CreditLedgerEntryEntity,
  CreditReservationEntity,
  CreditKeySpendEntity,
  CreditTenantSettingsEntity,
  UsageRecordEntity,
  UsageDailyEntity,
];
