import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type AlertState, type GrafanaTheme2 } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ComparisonModel, ComparisonVerdict } from '../data/comparison';
import { formatNumber, signed, valueFormatter, type ValueDisplay } from './format';

export interface ComparisonSummaryProps {
  comparison: ComparisonModel;
  timeZone?: TimeZone;
  /** The panel's alert state; no badge when undefined. */
  alertState?: AlertState;
  /** The panel's unit and decimals, for the metric values and the delta (not the p-value). */
  display?: ValueDisplay;
}

const text = labels.panel.comparison;

export function comparisonVerdictText(verdict: ComparisonVerdict): string {
  return text.verdict[verdict];
}

export function comparisonVerdictColor(theme: GrafanaTheme2, verdict: ComparisonVerdict): string {
  switch (verdict) {
    case 'better':
      return theme.colors.success.text;
    case 'worse':
      return theme.colors.error.text;
    case 'same':
      return theme.colors.text.secondary;
    default:
      return theme.colors.text.disabled;
  }
}

/** The colour of an alert state badge: red when firing, orange when pending, green when fine. */
export function alertStateColor(theme: GrafanaTheme2, state: AlertState): string {
  switch (state) {
    case 'alerting':
      return theme.colors.error.main;
    case 'pending':
    case 'recovering':
      return theme.colors.warning.main;
    case 'ok':
      return theme.colors.success.main;
    default:
      return theme.colors.secondary.main;
  }
}

export function alertStateText(state: AlertState): string {
  return (text.alertState.states as Record<string, string>)[state] ?? state;
}

export function metricText(compare: string): string {
  return (text.metrics as Record<string, string>)[compare] ?? compare;
}

/** The header of a comparison: what is compared, the delta with its interval and p-value, and the verdict. */
export function ComparisonSummary({ comparison, timeZone, alertState, display }: ComparisonSummaryProps) {
  const format = valueFormatter(display);
  const formatDelta = signed(format);
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const { summary } = comparison;
  const color = comparisonVerdictColor(theme, summary.verdict);
  const scope =
    summary.source === 'numeric'
      ? text.wholeRange
      : summary.time === undefined
        ? text.lastBucket
        : `${text.lastBucket} ${dateTimeFormat(summary.time, { format: 'YYYY-MM-DD HH:mm', timeZone })}`;
  const title = [
    metricText(comparison.compare),
    comparison.title,
    `${comparison.challengerVersion} (${text.challenger}) vs ${comparison.championVersion} (${text.champion})`,
  ]
    .filter(Boolean)
    .join(' · ');
  const details = [
    `${comparison.championVersion} ${format(summary.champion)} → ${comparison.challengerVersion} ${format(summary.challenger)}`,
    `${text.delta} ${formatDelta(summary.delta)} (${text.interval} ${formatDelta(summary.ciLow)} to ${formatDelta(summary.ciHigh)})`,
    `${text.pValue} ${formatNumber(summary.pValue)}`,
    scope,
  ].join(' · ');

  return (
    <div className={styles.summary} data-testid={selectors.panel.comparison.summary} style={{ borderLeftColor: color }}>
      <div className={styles.titleRow}>
        <span className={styles.title} title={title}>
          {title}
        </span>
        <span className={styles.badges}>
          {alertState && (
            <span
              className={styles.alertState}
              style={{
                background: alertStateColor(theme, alertState),
                color: theme.colors.getContrastText(alertStateColor(theme, alertState)),
              }}
              title={`${text.alertState.title}: ${alertStateText(alertState)}`}
              data-testid={selectors.panel.comparison.alertState}
              data-state={alertState}
            >
              {alertStateText(alertState)}
            </span>
          )}
          <span className={styles.verdict} style={{ color }} data-testid={selectors.panel.comparison.verdict}>
            {comparisonVerdictText(summary.verdict)}
          </span>
        </span>
      </div>
      <div className={styles.details} title={details}>
        {details}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  summary: css({
    borderLeft: '3px solid transparent',
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    minWidth: 0,
  }),
  titleRow: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'baseline',
    gap: theme.spacing(1),
  }),
  title: css({
    fontWeight: theme.typography.fontWeightMedium,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  badges: css({
    display: 'inline-flex',
    alignItems: 'baseline',
    gap: theme.spacing(1),
    flexShrink: 0,
  }),
  alertState: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    padding: theme.spacing(0, 0.75),
    borderRadius: theme.shape.radius.pill,
    whiteSpace: 'nowrap',
  }),
  verdict: css({
    fontWeight: theme.typography.fontWeightBold,
    whiteSpace: 'nowrap',
  }),
  details: css({
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    fontVariantNumeric: 'tabular-nums',
  }),
});
