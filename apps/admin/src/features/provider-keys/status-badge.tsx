import { Badge, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ProviderKey } from '../../api/provider-keys';
import { countdown } from '../../ui/format';

const COLOR = { active: 'green', cooling_down: 'orange', invalid: 'red', disabled: 'gray' } as const;
const LABEL = {
  active: 'active',
  cooling_down: 'cooling down',
  invalid: 'invalid',
  disabled: 'disabled',
} as const;

/** Seconds until `until`, ticking every second while it is in the future. */
export function useCountdown(until: string | null): number | undefined {
  const target = until ? new Date(until).getTime() : undefined;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (target === undefined || target <= Date.now()) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [target]);
  return target === undefined ? undefined : Math.max(0, (target - now) / 1000);
}

/** The key's state; a cooling key counts down to when it is tried again. */
export function StatusBadge({ k }: { k: ProviderKey }) {
  const left = useCountdown(k.status === 'cooling_down' ? k.cooldown_until : null);
  const label =
    k.status === 'cooling_down' && left !== undefined ? `cooling down ${countdown(left)}` : LABEL[k.status];
  const badge = (
    <Badge
      color={COLOR[k.status]}
      variant="light"
      data-status={k.status}
      style={{ fontVariantNumeric: 'tabular-nums' }}
    >
      {label}
    </Badge>
  );
  return k.last_error ? (
    <Tooltip label={k.last_error} multiline maw={320}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
