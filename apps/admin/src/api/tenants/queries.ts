import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type Tenant = Schema<'TenantView'>;
export type CreateTenant = Schema<'CreateTenantDto'>;
export type UpdateTenant = Schema<'UpdateTenantDto'>;

export const tenantKeys = {
  all: ['tenants'] as const,
  page: (limit: number, offset: number) => ['tenants', { limit, offset }] as const,
};

export function useTenants(limit: number, offset: number, enabled = true) {
  return useQuery({
    queryKey: tenantKeys.page(limit, offset),
    queryFn: async () => data(await api.GET('/api/v1/tenants', { params: { query: { limit, offset } } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateTenant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateTenant) => data(await api.POST('/api/v1/tenants', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }),
  });
}

export function useUpdateTenant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: UpdateTenant }) =>
      data(await api.PATCH('/api/v1/tenants/{id}', { params: { path: { id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: tenantKeys.all }),
  });
}
