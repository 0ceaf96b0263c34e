import { Autocomplete, Button, Group, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/http';
import type { CreateRoute, RouteStrategy, RouteStrategyParams } from '../../api/routes';
import { fieldErrors } from '../../ui/form-errors';
import { FormAlert } from '../../ui/resource-list';

const STRATEGIES: Array<{ value: RouteStrategy; label: string }> = [
  { value: 'fallback', label: 'Fallback (in order)' },
  { value: 'weighted', label: 'Weighted (by each target’s weight)' },
  { value: 'round-robin', label: 'Round-robin' },
  { value: 'least-busy', label: 'Least busy' },
  { value: 'least-latency', label: 'Least latency' },
  { value: 'lowest-cost', label: 'Lowest cost' },
  { value: 'mix', label: 'Mix (a reasoner, then an answerer)' },
  { value: 'vote', label: 'Vote (voters, a judge without a majority)' },
  { value: 'chain', label: 'Chain (draft, critique, refine)' },
];

/** Strategies whose models are the steps of `strategy_params`, not a list of targets. */
type TargetParams = NonNullable<NonNullable<CreateRoute['targets']>[number]['params']>;

const ORCHESTRATED: ReadonlySet<RouteStrategy> = new Set(['mix', 'vote', 'chain']);

type StepField = 'judge' | 'reasoner' | 'answerer' | 'draft' | 'critique' | 'refine';
const STEPS: Record<
  'mix' | 'vote' | 'chain',
  Array<{ field: StepField; label: string; optional?: string }>
> = {
  mix: [
    { field: 'reasoner', label: 'Reasoner' },
    { field: 'answerer', label: 'Answerer' },
  ],
  vote: [{ field: 'judge', label: 'Judge', optional: 'Decides when the voters have no majority.' }],
  chain: [
    { field: 'draft', label: 'Draft' },
    { field: 'critique', label: 'Critique' },
    { field: 'refine', label: 'Refine', optional: 'Default: the drafter.' },
  ],
};

const FIELDS = [
  'name',
  'description',
  'strategy',
  'targets',
  'strategy_params',
  ...(
    ['voters', 'judge', 'quorum', 'budget_ms', 'reasoner', 'answerer', 'draft', 'critique', 'refine'] as const
  ).map((f) => `strategy_params.${f}`),
  'cache_ttl_seconds',
] as const;

/** The API's 400 on one target's weight or params (`targets[1].weight`), for that target's row. */
function targetError(
  error: unknown,
): { index: number; field: 'weight' | 'params'; message: string } | undefined {
  if (!(error instanceof ApiError) || !error.param) return undefined;
  const match = /^targets\[(\d+)\]\.(weight|params)/.exec(error.param);
  return match
    ? { index: Number(match[1]), field: match[2] as 'weight' | 'params', message: error.message }
    : undefined;
}

/** A whole number or decimal typed into a text field; undefined when empty, NaN when not a number. */
function numberOf(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text.trim());
}

/**
 * A named route: callers send its name as the model. A routing strategy picks among the targets
 * (each with an optional weight and request params); mix, vote and chain run their steps' models.
 */
export function RouteForm({
  models,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  models: string[];
  busy: boolean;
  error: unknown;
  onSubmit: (body: CreateRoute) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [strategy, setStrategy] = useState<RouteStrategy>('fallback');
  const [targets, setTargets] = useState<string[]>([]);
  const [weights, setWeights] = useState<Record<string, string>>({});
  const [params, setParams] = useState<Record<string, string>>({});
  const [voters, setVoters] = useState<string[]>([]);
  const [steps, setSteps] = useState<Partial<Record<StepField, string>>>({});
  const [quorum, setQuorum] = useState('');
  const [budget, setBudget] = useState('');
  const [cacheTtl, setCacheTtl] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = fieldErrors(error, FIELDS);
  const rowError = targetError(error);
  const orchestrated = ORCHESTRATED.has(strategy);
  const at = (field: string) => local[field] ?? errors.field[field];

  const strategyParams = (): RouteStrategyParams => {
    const chosen = strategy as 'mix' | 'vote' | 'chain';
    const out: RouteStrategyParams = {};
    for (const { field } of STEPS[chosen]) {
      const model = steps[field]?.trim();
      if (model) out[field] = model;
    }
    if (chosen === 'vote') {
      out.voters = voters;
      const q = numberOf(quorum);
      const b = numberOf(budget);
      if (q !== undefined) out.quorum = q;
      if (b !== undefined) out.budget_ms = b;
    }
    return out;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Only what the API cannot read at all is checked here; everything else is the API's 400.
    const problems: Record<string, string> = {};
    const parsedParams: Record<string, Record<string, unknown>> = {};
    if (!orchestrated) {
      for (const model of targets) {
        if (strategy === 'weighted' && Number.isNaN(numberOf(weights[model] ?? ''))) {
          problems[`weight:${model}`] = 'A number.';
        }
        const text = params[model]?.trim();
        if (!text) continue;
        try {
          const value: unknown = JSON.parse(text);
          if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
          parsedParams[model] = value as Record<string, unknown>;
        } catch {
          problems[`params:${model}`] = 'A JSON object, e.g. {"temperature": 0.2}.';
        }
      }
    }
    for (const [field, text] of [
      ['cache_ttl_seconds', cacheTtl],
      ['strategy_params.quorum', quorum],
      ['strategy_params.budget_ms', budget],
    ] as const) {
      if (Number.isNaN(numberOf(text))) problems[field] = 'A number.';
    }
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    const ttl = numberOf(cacheTtl);
    onSubmit({
      name: name.trim(),
      strategy,
      ...(orchestrated
        ? { strategy_params: strategyParams() }
        : {
            targets: targets.map((model) => {
              const weight = strategy === 'weighted' ? numberOf(weights[model] ?? '') : undefined;
              return {
                model,
                ...(weight !== undefined ? { weight } : {}),
                // The DTO declares params as a bare object, which the generated type reads as empty.
                ...(parsedParams[model] ? { params: parsedParams[model] as TargetParams } : {}),
              };
            }),
          }),
      key_strategy: 'ordered',
      stream_failover: true,
      ...(ttl !== undefined ? { cache_ttl_seconds: ttl } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
  };

  const ready =
    name.trim() !== '' &&
    (strategy === 'vote'
      ? voters.length > 0
      : orchestrated
        ? STEPS[strategy as 'mix' | 'chain'].every((s) => s.optional || steps[s.field]?.trim())
        : targets.length > 0);

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormAlert message={errors.form} />
        <TextInput
          label="Name"
          description="What callers send as the model: letters, digits, dots, dashes, underscores and colons, no slash."
          placeholder="team-fast"
          required
          data-autofocus
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.field.name}
        />
        <TextInput
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={errors.field.description}
        />
        <Select
          label="Strategy"
          data={STRATEGIES}
          value={strategy}
          onChange={(v) => setStrategy(v ?? 'fallback')}
          allowDeselect={false}
          error={errors.field.strategy}
        />
        {orchestrated ? (
          <>
            {errors.field.strategy_params ? (
              <Text c="red" size="sm" role="alert">
                {errors.field.strategy_params}
              </Text>
            ) : null}
            {strategy === 'vote' ? (
              <>
                <TagsInput
                  label="Voters"
                  description="The models that answer in parallel (2 to 10)."
                  data={models}
                  value={voters}
                  onChange={setVoters}
                  error={errors.field['strategy_params.voters']}
                />
                <Group grow align="flex-start">
                  <TextInput
                    label="Quorum"
                    description="Answers needed (default 2)."
                    inputMode="numeric"
                    value={quorum}
                    onChange={(e) => setQuorum(e.currentTarget.value)}
                    error={at('strategy_params.quorum')}
                  />
                  <TextInput
                    label="Budget, ms"
                    description="Each voter's time budget."
                    inputMode="numeric"
                    value={budget}
                    onChange={(e) => setBudget(e.currentTarget.value)}
                    error={at('strategy_params.budget_ms')}
                  />
                </Group>
              </>
            ) : null}
            {STEPS[strategy as 'mix' | 'vote' | 'chain'].map((step) => (
              <Autocomplete
                key={step.field}
                label={step.label}
                description={step.optional}
                required={!step.optional}
                data={models}
                value={steps[step.field] ?? ''}
                onChange={(v) => setSteps((s) => ({ ...s, [step.field]: v }))}
                error={errors.field[`strategy_params.${step.field}`]}
                placeholder="simulator/sim-gpt"
              />
            ))}
          </>
        ) : (
          <>
            <TagsInput
              label="Targets"
              description="Models, in order of preference. Every strategy fails over to the others."
              data={models}
              value={targets}
              onChange={setTargets}
              error={rowError ? undefined : errors.field.targets}
              placeholder="simulator/sim-gpt"
            />
            {targets.map((model, index) => {
              const api = rowError?.index === index ? rowError : undefined;
              return (
                <Group key={model} grow align="flex-start" wrap="wrap" data-target={model}>
                  {strategy === 'weighted' ? (
                    <TextInput
                      label={`Weight of ${model}`}
                      description="Relative share (default 1)."
                      inputMode="decimal"
                      value={weights[model] ?? ''}
                      onChange={(e) => {
                        const value = e.currentTarget.value;
                        setWeights((w) => ({ ...w, [model]: value }));
                      }}
                      error={local[`weight:${model}`] ?? (api?.field === 'weight' ? api.message : undefined)}
                    />
                  ) : null}
                  <TextInput
                    label={`Params of ${model}`}
                    description="Request fields set for this target, as JSON."
                    placeholder='{"temperature": 0.2}'
                    value={params[model] ?? ''}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      setParams((p) => ({ ...p, [model]: value }));
                    }}
                    error={local[`params:${model}`] ?? (api?.field === 'params' ? api.message : undefined)}
                  />
                </Group>
              );
            })}
          </>
        )}
        <TextInput
          label="Cache TTL, seconds"
          description="Cache chat answers through this route for this long (capped by the operator). Empty: not cached unless a request asks."
          inputMode="numeric"
          value={cacheTtl}
          onChange={(e) => setCacheTtl(e.currentTarget.value)}
          error={at('cache_ttl_seconds')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!ready}>
            Create route
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
