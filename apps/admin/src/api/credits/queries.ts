import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type Balance = Schema<'BalanceView'>;
export type LedgerEntry = Schema<'LedgerEntryView'>;
export type LedgerKind = LedgerEntry['kind'];
export type CreateGrant = Schema<'CreateGrantDto'>;
export type CreateTransfer = Schema<'CreateTransferDto'>;

export interface LedgerFilter {
  limit: number;
  offset: number;
  kind?: LedgerKind;
  from?: string;
  to?: string;
  user_id?: string;
}

export const creditKeys = {
  all: ['credits'] as const,
  balance: ['credits', 'balance'] as const,
  ledger: (filter: LedgerFilter) => ['credits', 'ledger', filter] as const,
};

export function useBalance() {
  return useQuery({
    queryKey: creditKeys.balance,
    queryFn: async () => data(await api.GET('/api/v1/credits/balance')),
  });
}

export function useLedger(filter: LedgerFilter) {
  return useQuery({
    queryKey: creditKeys.ledger(filter),
    queryFn: async () => data(await api.GET('/api/v1/credits/ledger', { params: { query: filter } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * A grant. The caller passes one idempotency key per submit of the form: a double click, or a
 * retry after a lost answer, sends the same key, and the API grants once.
 */
export function useGrant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, idempotencyKey }: { body: CreateGrant; idempotencyKey: string }) =>
      data(
        await api.POST('/api/v1/credits/grants', {
          body,
          params: { header: { 'Idempotency-Key': idempotencyKey } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: creditKeys.all }),
  });
}

export function useTransfer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, idempotencyKey }: { body: CreateTransfer; idempotencyKey: string }) =>
      data(
        await api.POST('/api/v1/credits/transfers', {
          body,
          params: { header: { 'Idempotency-Key': idempotencyKey } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: creditKeys.all }),
  });
}
