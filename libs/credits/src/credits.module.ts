import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CreditsController } from './controllers/credits.controller.js';
import { UsageController } from './controllers/usage.controller.js';
import { CREDITS_ENTITIES } from './entities/index.js';
import { AccountsRepository } from './repositories/accounts.repository.js';
import { LedgerBatcher } from './repositories/ledger-batcher.js';
import { LedgerRepository } from './repositories/ledger.repository.js';
import { UsageRepository } from './repositories/usage.repository.js';
import { CallMetering } from './services/call-metering.service.js';
import { CreditAccountsService } from './services/credit-accounts.service.js';
import { CreditsService } from './services/credits.service.js';
import { LiveReservations } from './services/live-reservations.js';
import { ReservationSweeper } from './services/reservation-sweeper.service.js';
import { UsageRecorder } from './services/usage-recorder.service.js';
import { UsageRetention } from './services/usage-retention.service.js';
import { UsageService } from './services/usage.service.js';

/**
 * Credits: accounts and the append-only ledger, reservations and their sweeper, grants and
 * transfers, per-tenant markup, usage records (month partitions, daily rollups) and aggregates. The chat pipeline uses the
 * exported CreditsService (reserve, settle, release, markupFor) and UsageRecorder.
 */
@Module({
  imports: [TypeOrmModule.forFeature(CREDITS_ENTITIES)],
  controllers: [CreditsController, UsageController],
  providers: [
    CallMetering,
    LedgerRepository,
    LedgerBatcher,
    AccountsRepository,
    UsageRepository,
    LiveReservations,
    CreditsService,
    CreditAccountsService,
    UsageService,
    UsageRecorder,
    UsageRetention,
    ReservationSweeper,
  ],
  exports: [
    CreditsService,
    CallMetering,
    UsageRecorder,
    UsageRetention,
    ReservationSweeper,
    CreditAccountsService,
    LiveReservations,
  ],
})
export class CreditsModule {}
