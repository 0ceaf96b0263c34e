import { useModels } from '../../api/models';

/** Provider ids for a select: from the catalog, so a typo cannot create a key no call will use. */
export function useProviderOptions(): string[] {
  const models = useModels();
  return (models.data ?? []).map((p) => p.id);
}
