import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type ApiKey = Schema<'ApiKeyView'>;
export type CreatedApiKey = Schema<'CreatedApiKeyView'>;
export type CreateApiKey = Schema<'CreateApiKeyDto'>;
export type UpdateApiKey = Schema<'UpdateApiKeyDto'>;

export const apiKeyKeys = {
  all: ['api-keys'] as const,
  page: (limit: number, offset: number) => ['api-keys', { limit, offset }] as const,
};

export function useApiKeys(limit: number, offset: number) {
  return useQuery({
    queryKey: apiKeyKeys.page(limit, offset),
    queryFn: async () => data(await api.GET('/api/v1/api-keys', { params: { query: { limit, offset } } })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateApiKey) => data(await api.POST('/api/v1/api-keys', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

export function useUpdateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: UpdateApiKey }) =>
      data(await api.PATCH('/api/v1/api-keys/{id}', { params: { path: { id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
