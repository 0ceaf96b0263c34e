import { Body, Controller, Get, Headers, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AllowApiKey, CurrentCaller, Roles, type Caller } from '@switchyard/auth';
import { API_PREFIX, type Page } from '@switchyard/core';
import type { Response } from 'express';
import {
  BalanceQueryDto,
  BalanceView,
  CreateGrantDto,
  CreateTransferDto,
  LedgerEntryView,
  LedgerPageView,
  LedgerQueryDto,
  MarkupQueryDto,
  MarkupView,
  SetMarkupDto,
  TransferView,
  VerifyView,
} from '../dto/credits.dto.js';
import { CreditAccountsService, type Posted } from '../services/credit-accounts.service.js';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description:
    'A unique value per intended operation (e.g. a UUID). Repeating a request with the same key ' +
    'performs it once and returns the first result (with `Idempotent-Replayed: true`); the same key ' +
    'with a different body is a 409.',
};

function replayed<T>(res: Response, posted: Posted<T>): T {
  if (posted.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return posted.result;
}

@ApiTags('credits')
@ApiBearerAuth('bearer')
@Controller(`${API_PREFIX}/credits`)
export class CreditsController {
  constructor(private readonly accounts: CreditAccountsService) {}

  @Get('balance')
  @AllowApiKey()
  @ApiOperation({
    summary:
      'Your credit balance (and what requests in flight hold). Admins: ?user_id= for a user in scope; they also see the tenant pool. With an API key: its budget too.',
  })
  @ApiOkResponse({ type: BalanceView })
  balance(@CurrentCaller() caller: Caller, @Query() query: BalanceQueryDto): Promise<BalanceView> {
    return this.accounts.balance(caller, query.user_id);
  }

  @Get('ledger')
  @ApiOperation({
    summary:
      'Ledger entries, newest first: your own; admins: their tenant (or one user, or the tenant pool). Filter by kind, request and time.',
  })
  @ApiOkResponse({ type: LedgerPageView })
  ledger(@CurrentCaller() caller: Caller, @Query() query: LedgerQueryDto): Promise<Page<LedgerEntryView>> {
    return this.accounts.ledgerPage(caller, query);
  }

  @Post('grants')
  @Roles('tenant_admin')
  @ApiOperation({
    summary:
      'Grant credits to a user or a tenant pool (tenant and platform admins). Needs an Idempotency-Key: the same key twice grants once.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: LedgerEntryView })
  async grant(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateGrantDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LedgerEntryView> {
    return replayed(res, await this.accounts.grant(caller, dto, key));
  }

  @Post('transfers')
  @Roles('tenant_admin')
  @ApiOperation({
    summary:
      'Move credits from the tenant pool to one of its users (tenant admins). Needs an Idempotency-Key: the same key twice moves once.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: TransferView })
  async transfer(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateTransferDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TransferView> {
    return replayed(res, await this.accounts.transfer(caller, dto, key));
  }

  @Get('markup')
  @Roles('tenant_admin')
  @ApiOperation({ summary: "A tenant's price markup (your own; platform admins: ?tenant_id=)." })
  @ApiOkResponse({ type: MarkupView })
  markup(@CurrentCaller() caller: Caller, @Query() query: MarkupQueryDto): Promise<MarkupView> {
    return this.accounts.markup(caller, query.tenant_id);
  }

  @Put('markup')
  @Roles('platform_admin')
  @ApiOperation({ summary: "Set a tenant's price markup (platform admins); 1 = list prices." })
  @ApiOkResponse({ type: MarkupView })
  setMarkup(@CurrentCaller() caller: Caller, @Body() dto: SetMarkupDto): Promise<MarkupView> {
    return this.accounts.setMarkup(caller, dto.tenant_id, dto.markup);
  }

  @Get('verify')
  @HttpCode(200)
  @Roles('platform_admin')
  @ApiOperation({
    summary:
      'Reconcile (platform admins): recompute every balance from the ledger, with the other ledger invariants, and report any mismatch.',
  })
  @ApiOkResponse({ type: VerifyView })
  verify(): Promise<VerifyView> {
    return this.accounts.verify();
  }
}
