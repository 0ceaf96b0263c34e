import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { authedFetch, ApiError, api, data } from '../http';
import type { Schema } from '../types';

export type ActivityEntry = Schema<'ActivityLogView'>;
export type ActivityAction = ActivityEntry['action'];

export interface ActivityFilter {
  limit: number;
  offset: number;
  action?: ActivityAction[];
  provider?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export const activityKeys = {
  all: ['activity-logs'] as const,
  page: (filter: ActivityFilter) => ['activity-logs', filter] as const,
};

export function useActivity(
  filter: ActivityFilter,
  options: { enabled?: boolean; refetchInterval?: number } = {},
) {
  return useQuery({
    queryKey: activityKeys.page(filter),
    queryFn: async () => data(await api.GET('/api/v1/activity-logs', { params: { query: filter } })),
    placeholderData: keepPreviousData,
    ...options,
  });
}

/** The same filters as CSV (`Accept: text/csv`), every matching row up to the API's cap. */
export async function downloadActivityCsv(filter: Omit<ActivityFilter, 'limit' | 'offset'>): Promise<Blob> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (Array.isArray(value)) value.forEach((v) => query.append(name, String(v)));
    else if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const res = await authedFetch(`/api/v1/activity-logs?${query.toString()}`, {
    headers: { accept: 'text/csv' },
  });
  if (!res.ok) throw await ApiError.from(res);
  return res.blob();
}
