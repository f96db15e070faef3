// The header of one block of the time views (estimation, multivariate drift): the series' title,
// a line of details, and optionally a verdict badge; and the styles the blocks share.
import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export const BLOCK_GAP = 8;
export const SUMMARY_HEIGHT = 44;
export const LEGEND_HEIGHT = 22;
export const MIN_BLOCK_HEIGHT = 160;

/** The height of each of n blocks stacked in a view of the given height. */
export function blockHeight(height: number, blocks: number): number {
  return Math.max(MIN_BLOCK_HEIGHT, Math.floor((height - BLOCK_GAP * (blocks - 1)) / blocks));
}

/** The height left for a block's chart below its summary and legend. */
export function chartHeight(block: number): number {
  return Math.max(100, block - SUMMARY_HEIGHT - LEGEND_HEIGHT - BLOCK_GAP);
}

interface BlockSummaryProps {
  testId: string;
  title: string;
  details: string;
  /** A verdict beside the title, e.g. "drifted". */
  badge?: ReactNode;
}

export function BlockSummary({ testId, title, details, badge }: BlockSummaryProps) {
  const styles = useStyles2(getBlockStyles);
  return (
    <div className={styles.summary} data-testid={testId}>
      <div className={styles.heading}>
        <div className={styles.title} title={title}>
          {title}
        </div>
        {badge}
      </div>
      <div className={styles.details} title={details}>
        {details}
      </div>
    </div>
  );
}

export const getBlockStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: BLOCK_GAP,
    overflow: 'auto',
  }),
  block: css({
    display: 'flex',
    flexDirection: 'column',
    flexShrink: 0,
    gap: 2,
  }),
  summary: css({
    borderLeft: `3px solid ${theme.colors.primary.main}`,
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    minWidth: 0,
  }),
  heading: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    minWidth: 0,
  }),
  title: css({
    fontWeight: theme.typography.fontWeightMedium,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  details: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
});
