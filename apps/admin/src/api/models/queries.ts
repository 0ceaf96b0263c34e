import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type Provider = Schema<'ProviderView'>;
export type Model = Schema<'ModelView'>;
export type ModelOverride = Schema<'ModelOverrideDto'>;

export const modelKeys = { all: ['models'] as const };

export function useModels() {
  return useQuery({
    queryKey: modelKeys.all,
    queryFn: async () => data(await api.GET('/api/v1/models')),
    staleTime: 60_000,
  });
}

export function useSetModelOverride() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ provider, model, body }: { provider: string; model: string; body: ModelOverride }) =>
      data(
        await api.PUT('/api/v1/models/{provider}/{model}', { params: { path: { provider, model } }, body }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: modelKeys.all }),
  });
}

export function useClearModelOverride() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ provider, model }: { provider: string; model: string }) => {
      await api.DELETE('/api/v1/models/{provider}/{model}/override', {
        params: { path: { provider, model } },
      });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: modelKeys.all }),
  });
}
