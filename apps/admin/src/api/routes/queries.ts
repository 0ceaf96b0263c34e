import { useQuery } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type Route = Schema<'RouteView'>;

export const routeKeys = { all: ['routes'] as const };

export function useRoutes() {
  return useQuery({
    queryKey: routeKeys.all,
    queryFn: async () =>
      data(await api.GET('/api/v1/routes', { params: { query: { limit: 200, offset: 0 } } })),
    staleTime: 60_000,
  });
}
