import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../http';
import type { Schema } from '../types';

export type User = Schema<'UserView'>;
export type CreateUser = Schema<'CreateUserDto'>;
export type InvitedUser = Schema<'InvitedUserView'>;

export const userKeys = {
  all: ['users'] as const,
  page: (limit: number, offset: number, tenant_id?: string) =>
    ['users', { limit, offset, tenant_id }] as const,
};

export function useUsers(limit: number, offset: number, tenant_id?: string, enabled = true) {
  return useQuery({
    queryKey: userKeys.page(limit, offset, tenant_id),
    queryFn: async () =>
      data(await api.GET('/api/v1/users', { params: { query: { limit, offset, tenant_id } } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

function useUserMutation<Input, Output>(fn: (input: Input) => Promise<Output>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export const useInviteUser = () =>
  useUserMutation(async (body: CreateUser) => data(await api.POST('/api/v1/users', { body })));

export const useChangeRole = () =>
  useUserMutation(async ({ id, role }: { id: string; role: User['role'] }) =>
    data(await api.POST('/api/v1/users/{id}/role', { params: { path: { id } }, body: { role } })),
  );

export const useSetUserStatus = () =>
  useUserMutation(async ({ id, status }: { id: string; status: 'active' | 'disabled' }) =>
    status === 'disabled'
      ? data(await api.POST('/api/v1/users/{id}/disable', { params: { path: { id } } }))
      : data(await api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { status } })),
  );
