import { useQuery } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type Usage = Schema<'UsageView'>;
export type UsageGroup = Schema<'UsageGroupView'>;

export interface UsageFilter {
  from: string;
  to?: string;
  group_by: string;
  tenant_id?: string;
  user_id?: string;
  limit?: number;
}

export const usageKeys = {
  all: ['usage'] as const,
  query: (filter: UsageFilter) => ['usage', filter] as const,
};

export function useUsage(filter: UsageFilter) {
  return useQuery({
    queryKey: usageKeys.query(filter),
    queryFn: async () => data(await api.GET('/api/v1/usage', { params: { query: filter } })),
  });
}

export type UsageError = Schema<'UsageErrorView'>;

/** The latest failed or aborted calls (a member's own; an admin's tenant). */
export function useUsageErrors(from: string, limit = 6) {
  return useQuery({
    queryKey: ['usage', 'errors', { from, limit }] as const,
    queryFn: async () => data(await api.GET('/api/v1/usage/errors', { params: { query: { from, limit } } })),
  });
}
