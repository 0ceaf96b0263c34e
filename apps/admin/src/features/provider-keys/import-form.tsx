import { Alert, Button, FileButton, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { ImportProviderKeys, ImportResult } from '../../api/provider-keys';
import { fieldErrors } from '../../ui/form-errors';
import { ImportReport } from './import-report';

const FIELDS = ['provider', 'content', 'format'] as const;

export function ImportForm({
  providers,
  busy,
  error,
  result,
  onSubmit,
  onClose,
}: {
  providers: string[];
  busy: boolean;
  error: unknown;
  result: ImportResult | undefined;
  onSubmit: (body: ImportProviderKeys) => void;
  onClose: () => void;
}) {
  const [provider, setProvider] = useState<string | null>(null);
  const [content, setContent] = useState('');
  const [fileName, setFileName] = useState<string>();
  const errors = fieldErrors(error, FIELDS);

  const readFile = async (file: File | null) => {
    if (!file) return;
    setFileName(file.name);
    setContent(await file.text());
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ content, format: 'auto', dry_run: false, ...(provider ? { provider } : {}) });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          One key per line, a CSV with a <code>key</code> column (and optional provider, name, base_url), or a
          JSON array. Lines starting with # are skipped.
        </Text>
        {errors.form ? (
          <Alert color="red" variant="light" role="alert">
            {errors.form}
          </Alert>
        ) : null}
        <Select
          label="Provider"
          description="For lines that do not name their own provider."
          data={providers}
          value={provider}
          onChange={setProvider}
          clearable
          searchable
          error={errors.field.provider}
        />
        <Textarea
          label="Keys"
          placeholder={'sk-...\nsk-...'}
          autosize
          minRows={5}
          maxRows={12}
          value={content}
          onChange={(e) => setContent(e.currentTarget.value)}
          error={errors.field.content}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Group justify="space-between">
          <Group gap="xs">
            <FileButton
              onChange={(f) => void readFile(f)}
              accept=".txt,.csv,.json,text/plain,text/csv,application/json"
            >
              {(props) => (
                <Button variant="default" {...props}>
                  Load a file…
                </Button>
              )}
            </FileButton>
            {fileName ? (
              <Text size="sm" c="dimmed">
                {fileName}
              </Text>
            ) : null}
          </Group>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {result ? 'Close' : 'Cancel'}
            </Button>
            <Button type="submit" loading={busy} disabled={!content.trim()}>
              Import
            </Button>
          </Group>
        </Group>
        {result ? <ImportReport result={result} /> : null}
      </Stack>
    </form>
  );
}
