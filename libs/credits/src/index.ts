export { CreditsModule } from './credits.module.js';
export {
  CreditsService,
  MARKUP_CHANNEL,
  type Reservation,
  type ReserveInput,
} from './services/credits.service.js';
export { UsageRecorder, type UsageRecordInput } from './services/usage-recorder.service.js';
export { ReservationSweeper } from './services/reservation-sweeper.service.js';
export { UsageRetention } from './services/usage-retention.service.js';
export { UsageService } from './services/usage.service.js';
export { arrayLiteral, UsageRepository, type UsageSource } from './repositories/usage.repository.js';
export { LiveReservations } from './services/live-reservations.js';
export { statementOf, unnamedRetry, type LedgerOp } from './repositories/ledger-batcher.js';
export { LedgerStatement } from './repositories/ledger-statement.js';
export { CreditAccountsService } from './services/credit-accounts.service.js';
export {
  CACHE_WRITE_1H_MULTIPLIER,
  CACHE_WRITE_5M_MULTIPLIER,
  estimateWorstCase,
  normalizeMarkup,
  priceUsage,
  quantitiesUsed,
  searchUnitsFor,
  type CacheTtl,
  type Pricing,
  type PricingOptions,
  type Usage,
  type WorstCaseInput,
} from './pricing/pricing.js';
export { verifyLedger, type Mismatch, type QueryFn, type VerifyReport } from './verify/ledger-verifier.js';
export * from './entities/index.js';
export {
  CACHE_HIT_CLASS,
  CallMetering,
  type CacheHitCall,
  type CallMeter,
  type CallOutcome,
  type MeteredCall,
  type MeteredPart,
  type SettledStep,
} from './services/call-metering.service.js';
