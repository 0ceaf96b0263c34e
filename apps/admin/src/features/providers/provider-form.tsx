import { Button, Checkbox, Group, Select, Stack, TagsInput, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { CreateRuntimeProvider } from '../../api/providers';
import { fieldErrors } from '../../ui/form-errors';
import { FormAlert } from '../../ui/resource-list';

type Format = CreateRuntimeProvider['format'];
const FORMATS: Array<{ value: Format; label: string }> = [
  { value: 'openai', label: 'OpenAI-compatible' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'gemini', label: 'Gemini' },
  { value: 'ollama', label: 'Ollama' },
];

/**
 * Registers a provider at run time with its models. One price applies to every model listed here;
 * change single models later on the models screen (platform admins).
 */
export function ProviderForm({
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  error: unknown;
  onSubmit: (body: CreateRuntimeProvider) => void;
  onCancel: () => void;
}) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [format, setFormat] = useState<Format>('openai');
  const [baseUrl, setBaseUrl] = useState('');
  const [keyRequired, setKeyRequired] = useState(true);
  const [responsesApi, setResponsesApi] = useState(false);
  const [models, setModels] = useState<string[]>([]);
  const [free, setFree] = useState(false);
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const errors = fieldErrors(error, [
    'id',
    'name',
    'format',
    'base_url',
    'key_required',
    'responses_api',
    'models',
  ]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      id: id.trim(),
      format,
      base_url: baseUrl.trim(),
      key_required: keyRequired,
      // Sent only when asked for: the API refuses it (at the field) for formats other than openai.
      ...(responsesApi ? { responses_api: true } : {}),
      timeout_ms: 300_000,
      ...(name.trim() ? { name: name.trim() } : {}),
      models: models.map((model) => ({
        id: model,
        free,
        capabilities: ['chat', 'streaming'],
        context_window: 8192,
        max_output_tokens: 4096,
        pricing: { inputPerMTok: free ? '0' : input.trim(), outputPerMTok: free ? '0' : output.trim() },
      })),
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormAlert message={errors.form} />
        <Group grow align="flex-start">
          <TextInput
            label="Id"
            description="Used in model names: id/model."
            required
            data-autofocus
            value={id}
            onChange={(e) => setId(e.currentTarget.value)}
            error={errors.field.id}
          />
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.field.name}
          />
        </Group>
        <Select
          label="Wire format"
          data={FORMATS}
          value={format}
          onChange={(v) => setFormat(v ?? 'openai')}
          allowDeselect={false}
          error={errors.field.format}
        />
        <TextInput
          label="Base URL"
          description="Public https, unless the operator's OUTBOUND_ALLOWLIST admits it."
          placeholder="https://api.example.com/v1"
          required
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.currentTarget.value)}
          error={errors.field.base_url}
        />
        <Checkbox
          label="Calls need a key from the vault"
          checked={keyRequired}
          onChange={(e) => setKeyRequired(e.currentTarget.checked)}
          error={errors.field.key_required}
        />
        <Checkbox
          label="Speaks the Responses API natively"
          description="OpenAI-compatible format only: /v1/responses calls then go through as they are, built-in tools intact, instead of through chat completions."
          checked={responsesApi}
          onChange={(e) => setResponsesApi(e.currentTarget.checked)}
          error={errors.field.responses_api}
        />
        <TagsInput
          label="Models"
          description="The model ids it serves. Enter to add."
          value={models}
          onChange={setModels}
          error={errors.field.models}
        />
        <Checkbox
          label="Free (charge nothing)"
          checked={free}
          onChange={(e) => setFree(e.currentTarget.checked)}
        />
        {!free ? (
          <Group grow align="flex-start">
            <TextInput
              label="Input, credits per M tokens"
              inputMode="decimal"
              value={input}
              onChange={(e) => setInput(e.currentTarget.value)}
            />
            <TextInput
              label="Output, credits per M tokens"
              inputMode="decimal"
              value={output}
              onChange={(e) => setOutput(e.currentTarget.value)}
            />
          </Group>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={busy}
            disabled={!id.trim() || !baseUrl.trim() || models.length === 0}
          >
            Register provider
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
