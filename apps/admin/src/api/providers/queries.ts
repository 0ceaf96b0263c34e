import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import { modelKeys } from '../models';
import type { Schema } from '../types';

export type RuntimeProvider = Schema<'RuntimeProviderView'>;
export type CreateRuntimeProvider = Schema<'CreateRuntimeProviderDto'>;
export type Discovery = Schema<'DiscoveryView'>;

export const providerKeys = { all: ['providers'] as const };

export function useProviders() {
  return useQuery({
    queryKey: providerKeys.all,
    queryFn: async () =>
      data(await api.GET('/api/v1/providers', { params: { query: { limit: 200, offset: 0 } } })),
  });
}

/** A registered provider changes the catalog too. */
function useProviderMutation<Input, Output>(fn: (input: Input) => Promise<Output>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: providerKeys.all });
      await client.invalidateQueries({ queryKey: modelKeys.all });
    },
  });
}

export const useCreateProvider = () =>
  useProviderMutation(async (body: CreateRuntimeProvider) =>
    data(await api.POST('/api/v1/providers', { body })),
  );

export const useDeleteProvider = () =>
  useProviderMutation(async (id: string) => {
    await api.DELETE('/api/v1/providers/{id}', { params: { path: { id } } });
  });

/** Asks the provider which models it serves; registers nothing. */
export function useDiscoverModels() {
  return useMutation({
    mutationFn: async (id: string) =>
      data(await api.POST('/api/v1/providers/{id}/discover', { params: { path: { id } } })),
  });
}
