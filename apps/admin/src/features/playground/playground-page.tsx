import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  FileButton,
  Grid,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import {
  readAsDataUrl,
  streamChat,
  uploadFile,
  type ChatMessage,
  type ChatStats,
  type ContentPart,
} from '../../api/chat';
import { creditKeys, useBalance } from '../../api/credits';
import { useModels } from '../../api/models';
import { useRoutes } from '../../api/routes';
import { usageKeys } from '../../api/usage';
import { errorMessage, PageHeader } from '../../ui/feedback';
import { formatCredits, formatNumber } from '../../ui/format';

interface Turn {
  role: 'user' | 'assistant';
  text: string;
  attachment?: string;
  content: ChatMessage['content'];
  stats?: ChatStats;
  error?: string;
  streaming?: boolean;
}

function StatsLine({ stats }: { stats: ChatStats }) {
  const parts = [
    stats.model ? `${stats.model}` : null,
    stats.provider ? `via ${stats.provider}` : null,
    stats.route ? `route ${stats.route}` : null,
    stats.ttftMs !== undefined ? `first token ${formatNumber(stats.ttftMs)} ms` : null,
    stats.latencyMs !== undefined ? `total ${formatNumber(stats.latencyMs)} ms` : null,
    stats.promptTokens !== undefined
      ? `${formatNumber(stats.promptTokens)} in / ${formatNumber(stats.completionTokens)} out tokens`
      : null,
    stats.cost !== undefined ? `${formatCredits(stats.cost)} credits` : null,
  ].filter(Boolean);
  return (
    <Text size="xs" c="dimmed" data-testid="answer-stats">
      {parts.join(' · ')}
    </Text>
  );
}

export default function PlaygroundPage() {
  const models = useModels();
  const routes = useRoutes();
  const balance = useBalance();
  const client = useQueryClient();
  const [model, setModel] = useState<string | null>(null);
  const [system, setSystem] = useState('');
  const [temperature, setTemperature] = useState<number | ''>('');
  const [maxTokens, setMaxTokens] = useState<number | ''>('');
  const [prompt, setPrompt] = useState('');
  const [attachment, setAttachment] = useState<File | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController | null>(null);

  const options = useMemo(() => {
    const groups = (models.data ?? [])
      .map((p) => ({
        group: p.name,
        items: p.models.filter((m) => m.available && !m.disabled).map((m) => m.id),
      }))
      .filter((g) => g.items.length > 0);
    const routeNames = (routes.data?.data ?? []).map((r) => r.name);
    return routeNames.length ? [{ group: 'Routes', items: routeNames }, ...groups] : groups;
  }, [models.data, routes.data]);
  const chosen = model ?? options[0]?.items[0] ?? null;

  const update = (index: number, change: Partial<Turn>) =>
    setTurns((all) => all.map((t, i) => (i === index ? { ...t, ...change } : t)));

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen || (!prompt.trim() && !attachment) || busy) return;
    setError(undefined);
    setBusy(true);
    let content: ChatMessage['content'] = prompt;
    try {
      if (attachment) {
        const part: ContentPart = attachment.type.startsWith('image/')
          ? { type: 'image_url', image_url: { url: await readAsDataUrl(attachment) } }
          : { type: 'file', file: { file_id: await uploadFile(attachment) } };
        content = [...(prompt ? [{ type: 'text' as const, text: prompt }] : []), part];
      }
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      return;
    }
    const user: Turn = { role: 'user', text: prompt, attachment: attachment?.name, content };
    const history = [...turns.filter((t) => !t.error), user];
    const index = turns.length + 1;
    setTurns([...turns, user, { role: 'assistant', text: '', content: '', streaming: true }]);
    setPrompt('');
    setAttachment(null);
    const controller = new AbortController();
    abort.current = controller;
    let text = '';
    try {
      await streamChat(
        {
          model: chosen,
          messages: [
            ...(system.trim() ? [{ role: 'system' as const, content: system }] : []),
            ...history.map((t) => ({ role: t.role, content: t.content })),
          ],
          ...(temperature !== '' ? { temperature } : {}),
          ...(maxTokens !== '' ? { max_tokens: maxTokens } : {}),
          stream: true,
          stream_options: { include_usage: true },
        },
        {
          onDelta: (delta) => {
            text += delta;
            update(index, { text, content: text });
          },
          onStats: (stats) => update(index, { stats }),
        },
        controller.signal,
      );
      update(index, { streaming: false });
    } catch (err) {
      // Stopped before the first byte: nothing to show, and nothing went wrong.
      update(
        index,
        controller.signal.aborted ? { streaming: false } : { streaming: false, error: errorMessage(err) },
      );
    } finally {
      abort.current = null;
      setBusy(false);
      void client.invalidateQueries({ queryKey: creditKeys.all });
      void client.invalidateQueries({ queryKey: usageKeys.all });
    }
  };

  return (
    <>
      <PageHeader
        title="Playground"
        description="Chat through the gateway as your account. Calls are charged like any other."
        actions={
          <Badge size="lg" variant="light" data-testid="playground-balance">
            Balance: {balance.data ? formatCredits(balance.data.balance) : '…'} credits
          </Badge>
        }
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder radius="md">
            <Stack gap="sm">
              <Select
                label="Model or route"
                data={options}
                value={chosen}
                onChange={setModel}
                searchable
                allowDeselect={false}
                nothingFoundMessage="No model matches"
                placeholder={models.isPending ? 'Loading models…' : 'No model available'}
              />
              <Textarea
                label="System prompt"
                autosize
                minRows={3}
                maxRows={8}
                value={system}
                onChange={(e) => setSystem(e.currentTarget.value)}
              />
              <Group grow>
                <NumberInput
                  label="Temperature"
                  min={0}
                  max={2}
                  step={0.1}
                  decimalScale={2}
                  placeholder="default"
                  value={temperature}
                  onChange={(v) => setTemperature(v === '' ? '' : Number(v))}
                />
                <NumberInput
                  label="Max tokens"
                  min={1}
                  allowDecimal={false}
                  placeholder="default"
                  value={maxTokens}
                  onChange={(v) => setMaxTokens(v === '' ? '' : Number(v))}
                />
              </Group>
              <Button variant="default" onClick={() => setTurns([])} disabled={busy || turns.length === 0}>
                Clear conversation
              </Button>
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="sm">
            <Stack gap="sm" aria-live="polite" data-testid="conversation">
              {turns.length === 0 ? (
                <Text c="dimmed" size="sm">
                  Pick a model and say something. Answers stream in as the provider sends them.
                </Text>
              ) : null}
              {turns.map((t, i) => (
                <Paper
                  key={i}
                  withBorder
                  p="sm"
                  radius="md"
                  bg={t.role === 'user' ? 'var(--mantine-color-default-hover)' : undefined}
                  data-role={t.role}
                  data-streaming={t.streaming ? 'true' : undefined}
                >
                  <Text size="xs" fw={700} c="dimmed" mb={4}>
                    {t.role === 'user' ? 'You' : 'Assistant'}
                    {t.attachment ? ` · ${t.attachment}` : ''}
                  </Text>
                  <Text
                    size="sm"
                    style={{ whiteSpace: 'pre-wrap' }}
                    data-testid={t.role === 'assistant' ? 'answer' : undefined}
                  >
                    {t.text || (t.streaming ? '…' : '')}
                  </Text>
                  {t.error ? (
                    <Alert color="red" variant="light" mt="xs" role="alert">
                      {t.error}
                    </Alert>
                  ) : null}
                  {t.stats ? <StatsLine stats={t.stats} /> : null}
                </Paper>
              ))}
            </Stack>
            {error ? (
              <Alert color="red" variant="light" role="alert">
                {error}
              </Alert>
            ) : null}
            <form onSubmit={(e) => void send(e)}>
              <Stack gap="xs">
                <Textarea
                  label="Message"
                  autosize
                  minRows={2}
                  maxRows={10}
                  value={prompt}
                  onChange={(e) => setPrompt(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void send(e);
                  }}
                  description="Ctrl+Enter sends."
                />
                <Group justify="space-between">
                  <Group gap="xs">
                    <FileButton onChange={setAttachment} accept="image/*,.pdf,.txt,.md,.csv,.json">
                      {(props) => (
                        <Button variant="default" size="sm" {...props}>
                          Attach image or file
                        </Button>
                      )}
                    </FileButton>
                    {attachment ? (
                      <Group gap={4}>
                        <Text size="sm">{attachment.name}</Text>
                        <ActionIcon
                          variant="subtle"
                          size="sm"
                          aria-label="Remove attachment"
                          onClick={() => setAttachment(null)}
                        >
                          ×
                        </ActionIcon>
                      </Group>
                    ) : null}
                  </Group>
                  {busy ? (
                    <Button color="red" variant="light" onClick={() => abort.current?.abort()}>
                      Stop
                    </Button>
                  ) : (
                    <Button type="submit" disabled={!chosen || (!prompt.trim() && !attachment)}>
                      Send
                    </Button>
                  )}
                </Group>
              </Stack>
            </form>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
