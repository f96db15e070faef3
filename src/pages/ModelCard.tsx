import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Card, LinkButton, Stack, Text, Tooltip, useStyles2, type BadgeColor } from '@grafana/ui';

import { labels } from '../labels';
import { selectors } from '../selectors';
import { ruleHref, rulesOf, type AlertRules, type RuleState } from './alerting';
import { DASHBOARDS, dashboardHref } from './dashboards';
import { age, stoppedServing, type ModelSummary } from './summary';

const text = labels.models;

const STATE_COLORS: Record<RuleState, BadgeColor> = {
  firing: 'red',
  pending: 'orange',
  inactive: 'green',
  unknown: 'blue',
};

interface Props {
  model: ModelSummary;
  /** The summary's time: ages are counted to it. */
  at: string;
  datasourceUid: string;
  rules: AlertRules;
}

const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)}%`;

/** One model: serving, volume, labels, drift, its alert rules and its dashboards. */
export function ModelCard({ model, at, datasourceUid, rules }: Props) {
  const styles = useStyles2(getStyles);
  const headingId = `modelwatch-model-${datasourceUid}-${model.model}`;
  const stopped = stoppedServing(model.lastPrediction, at);
  return (
    <Card data-testid={selectors.models.card} aria-labelledby={headingId} className={styles.card}>
      <Card.Heading>
        <span id={headingId}>{model.model}</span>
      </Card.Heading>
      <Card.Description>
        <dl className={styles.facts}>
          <dt>{text.versions}</dt>
          <dd data-testid={selectors.models.versions}>
            <Stack direction="row" gap={1} wrap="wrap">
              {model.versions.map((v) => (
                <span key={v.version} className={styles.version}>
                  <strong>{v.version}</strong>{' '}
                  <Text color="secondary" variant="bodySmall">
                    {v.lastPrediction ? text.ago(age(v.lastPrediction, at)) : text.never}
                  </Text>
                </span>
              ))}
            </Stack>
          </dd>
          <dt>{text.lastPrediction}</dt>
          <dd data-testid={selectors.models.lastPrediction}>
            <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
              <time dateTime={model.lastPrediction ?? undefined} title={model.lastPrediction ?? undefined}>
                {model.lastPrediction ? text.ago(age(model.lastPrediction, at)) : text.never}
              </time>
              {stopped && (
                <Tooltip content={text.stoppedTooltip}>
                  <span data-testid={selectors.models.stopped} tabIndex={0}>
                    <Badge color="orange" icon="exclamation-triangle" text={text.stopped} />
                  </span>
                </Tooltip>
              )}
            </Stack>
          </dd>
          <dt>{text.volume}</dt>
          <dd data-testid={selectors.models.volume}>
            {model.predictions === null ? '–' : model.predictions.toLocaleString('en-US')}
          </dd>
          <dt>{text.coverage}</dt>
          <dd data-testid={selectors.models.coverage}>
            {model.labelCoverage === null ? (
              text.noPredictions
            ) : (
              <>
                {percent(model.labelCoverage)}{' '}
                <Text color="secondary" variant="bodySmall">
                  ({text.labeled(model.labeled ?? 0, model.predictions ?? 0)})
                </Text>
              </>
            )}
          </dd>
          <dt>
            {text.drift}
            <div className={styles.hint}>{text.driftWindows}</div>
          </dt>
          <dd data-testid={selectors.models.drift}>
            <DriftFacts model={model} />
          </dd>
          <dt>{text.alerts}</dt>
          <dd data-testid={selectors.models.rules}>
            <RuleFacts rules={rules} datasourceUid={datasourceUid} model={model.model} />
          </dd>
          <dt>{text.dashboards}</dt>
          <dd data-testid={selectors.models.dashboards}>
            <Stack direction="row" gap={0} wrap="wrap">
              {DASHBOARDS.map((d) => (
                <LinkButton
                  key={d.uid}
                  href={dashboardHref(d, model.model, datasourceUid)}
                  fill="text"
                  size="sm"
                  icon="apps"
                >
                  {d.title}
                </LinkButton>
              ))}
            </Stack>
          </dd>
        </dl>
        {model.problems.length > 0 && (
          <div role="note" className={styles.problems}>
            <Text color="warning">{text.problems}:</Text>
            <ul>
              {model.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
      </Card.Description>
    </Card>
  );
}

function DriftFacts({ model }: { model: ModelSummary }) {
  const drift = model.drift;
  if (drift === null) {
    return <>–</>;
  }
  if (drift.drifting === 0) {
    return <>{text.noDrift(drift.checked)}</>;
  }
  const more = drift.drifting - drift.features.length;
  return (
    <Stack direction="row" gap={1} wrap="wrap" alignItems="center">
      <Text>{text.driftCount(drift.drifting, drift.checked)}:</Text>
      {drift.features.map((f) => (
        <Badge
          key={f.feature}
          color="orange"
          text={`${f.feature} · ${f.version}`}
          tooltip={`${f.method} ${f.scoreKind === 'p_value' ? 'p-value' : 'distance'} ${f.score.toPrecision(3)}, threshold ${f.threshold}`}
        />
      ))}
      {more > 0 && <Text color="secondary">{text.driftMore(more)}</Text>}
    </Stack>
  );
}

function RuleFacts({ rules, datasourceUid, model }: { rules: AlertRules; datasourceUid: string; model: string }) {
  const styles = useStyles2(getStyles);
  if (rules.kind === 'denied') {
    return <span data-testid={selectors.models.rulesNote}>{text.rulesDenied}</span>;
  }
  if (rules.kind === 'error') {
    return <span data-testid={selectors.models.rulesNote}>{text.rulesError(rules.message)}</span>;
  }
  const mine = rulesOf(rules.rules, datasourceUid, model);
  if (mine.length === 0) {
    return <span data-testid={selectors.models.rulesNote}>{text.noRules}</span>;
  }
  return (
    <ul className={styles.rules}>
      {mine.map((rule) => (
        <li key={rule.uid} data-testid={selectors.models.rule}>
          <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
            <span data-testid={selectors.models.ruleState}>
              <Badge color={STATE_COLORS[rule.state]} text={text.ruleState[rule.state]} />
            </span>
            <a href={ruleHref(rule.uid)} className={styles.link}>
              {rule.title}
            </a>
            {rule.firing.length > 0 && (
              <Text color="secondary" variant="bodySmall">
                {text.firingFor(
                  rule.firing
                    .map((l) => (l.version ? `version ${l.version}` : Object.values(l).join(' ')))
                    .filter(Boolean)
                    .join(', ')
                )}
              </Text>
            )}
          </Stack>
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({ marginBottom: theme.spacing(1) }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(120px, max-content) minmax(0, 1fr)',
    gap: theme.spacing(0.75, 2),
    margin: 0,
    dt: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    dd: { margin: 0, color: theme.colors.text.primary },
    [theme.breakpoints.down('sm')]: { gridTemplateColumns: '1fr', dd: { marginBottom: theme.spacing(1) } },
  }),
  version: css({ whiteSpace: 'nowrap' }),
  hint: css({ ...theme.typography.bodySmall, fontWeight: theme.typography.fontWeightRegular }),
  rules: css({ listStyle: 'none', margin: 0, padding: 0, li: { marginBottom: theme.spacing(0.5) } }),
  link: css({
    color: theme.colors.text.link,
    overflowWrap: 'anywhere',
    '&:hover, &:focus-visible': { textDecoration: 'underline' },
  }),
  problems: css({ marginTop: theme.spacing(1), ul: { margin: 0, paddingLeft: theme.spacing(2) } }),
});
