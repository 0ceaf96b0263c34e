import { useQuery } from '@tanstack/react-query';

/** One check of the readiness answer (database, redis, circuit breakers, ...). */
export interface HealthCheck {
  status: 'up' | 'degraded' | 'down';
  [detail: string]: unknown;
}

export interface Readiness {
  status: string;
  details: Record<string, HealthCheck>;
}

export const healthKeys = { ready: ['health', 'ready'] as const };

/** Readiness answers 503 when a check is down: that answer is data here, not an error. */
export function useReadiness() {
  return useQuery({
    queryKey: healthKeys.ready,
    queryFn: async (): Promise<Readiness> => {
      const res = await fetch('/api/v1/health/ready');
      return (await res.json()) as Readiness;
    },
    refetchInterval: 10_000,
  });
}
