import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type Route = Schema<'RouteView'>;
export type CreateRoute = Schema<'CreateRouteDto'>;
export type RouteStrategy = Route['strategy'];
export type RouteStrategyParams = Schema<'RouteStrategyParamsDto'>;

export const routeKeys = { all: ['routes'] as const };

export function useRoutes() {
  return useQuery({
    queryKey: routeKeys.all,
    queryFn: async () =>
      data(await api.GET('/api/v1/routes', { params: { query: { limit: 200, offset: 0 } } })),
    staleTime: 60_000,
  });
}

export function useCreateRoute() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateRoute) => data(await api.POST('/api/v1/routes', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: routeKeys.all }),
  });
}

export function useDeleteRoute() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await api.DELETE('/api/v1/routes/{id}', { params: { path: { id } } });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: routeKeys.all }),
  });
}
