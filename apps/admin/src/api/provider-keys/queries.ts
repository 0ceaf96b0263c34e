import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type ProviderKey = Schema<'ProviderKeyView'>;
export type CreateProviderKey = Schema<'CreateProviderKeyDto'>;
export type ImportProviderKeys = Schema<'ImportProviderKeysDto'>;
export type ImportResult = Schema<'ImportResultView'>;
export type ProviderKeyTest = Schema<'ProviderKeyTestView'>;

export const providerKeyKeys = {
  all: ['provider-keys'] as const,
  page: (limit: number, offset: number, provider?: string) =>
    ['provider-keys', { limit, offset, provider }] as const,
};

/** The vault's keys. Polled while any key cools down, so its badge turns back without a reload. */
export function useProviderKeys(limit: number, offset: number, provider?: string) {
  return useQuery({
    queryKey: providerKeyKeys.page(limit, offset, provider),
    queryFn: async () =>
      data(await api.GET('/api/v1/provider-keys', { params: { query: { limit, offset, provider } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.data.some((k) => k.status === 'cooling_down') ? 5_000 : 30_000,
  });
}

function useVaultMutation<Input, Output>(fn: (input: Input) => Promise<Output>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: providerKeyKeys.all }),
  });
}

export const useAddProviderKey = () =>
  useVaultMutation(async (body: CreateProviderKey) =>
    data(await api.POST('/api/v1/provider-keys', { body })),
  );

export const useImportProviderKeys = () =>
  useVaultMutation(async (body: ImportProviderKeys) =>
    data(await api.POST('/api/v1/provider-keys/import', { body })),
  );

export const useTestProviderKey = () =>
  useVaultMutation(async (id: string) =>
    data(await api.POST('/api/v1/provider-keys/{id}/test', { params: { path: { id } } })),
  );

export const useSelectProviderKey = () =>
  useVaultMutation(async ({ id, selected }: { id: string; selected: boolean }) =>
    selected
      ? data(await api.POST('/api/v1/provider-keys/{id}/select', { params: { path: { id } } }))
      : data(await api.POST('/api/v1/provider-keys/{id}/unselect', { params: { path: { id } } })),
  );

export const useSetProviderKeyEnabled = () =>
  useVaultMutation(async ({ id, enabled }: { id: string; enabled: boolean }) =>
    data(await api.PATCH('/api/v1/provider-keys/{id}', { params: { path: { id } }, body: { enabled } })),
  );

export const useDeleteProviderKey = () =>
  useVaultMutation(async (id: string) => {
    await api.DELETE('/api/v1/provider-keys/{id}', { params: { path: { id } } });
  });
