import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ComparisonModel, ComparisonVerdict } from '../data/comparison';
import { formatNumber, formatSigned } from './format';

export interface ComparisonSummaryProps {
  comparison: ComparisonModel;
  timeZone?: TimeZone;
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

export function metricText(compare: string): string {
  return (text.metrics as Record<string, string>)[compare] ?? compare;
}

/** The header of a comparison: what is compared, the delta with its interval and p-value, and the verdict. */
export function ComparisonSummary({ comparison, timeZone }: ComparisonSummaryProps) {
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
    `${comparison.championVersion} ${formatNumber(summary.champion)} → ${comparison.challengerVersion} ${formatNumber(summary.challenger)}`,
    `${text.delta} ${formatSigned(summary.delta)} (${text.interval} ${formatSigned(summary.ciLow)} to ${formatSigned(summary.ciHigh)})`,
    `${text.pValue} ${formatNumber(summary.pValue)}`,
    scope,
  ].join(' · ');

  return (
    <div className={styles.summary} data-testid={selectors.panel.comparison.summary} style={{ borderLeftColor: color }}>
      <div className={styles.titleRow}>
        <span className={styles.title} title={title}>
          {title}
        </span>
        <span className={styles.verdict} style={{ color }} data-testid={selectors.panel.comparison.verdict}>
          {comparisonVerdictText(summary.verdict)}
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
