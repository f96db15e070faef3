import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { DriftHistogramModel } from '../data/drift';
import { DriftHistogramCard, driftColors } from './DriftHistogramCard';
import type { ValueDisplay } from './format';

export interface DriftHistogramsProps {
  /** Already sorted, most drifted first. */
  histograms: DriftHistogramModel[];
  width: number;
  height: number;
  timeZone?: TimeZone;
  /** The panel's unit and decimals for the shares. */
  display?: ValueDisplay;
}

const MIN_CARD_WIDTH = 280;
const MIN_CARD_HEIGHT = 190;
const LEGEND_HEIGHT = 28;
const GAP = 12;

/** How many columns of cards fit, and each card's size: cards shrink to fill the height, down to a minimum. */
export function gridLayout(count: number, width: number, height: number) {
  const columns = Math.max(1, Math.min(count, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP))));
  const rows = Math.max(1, Math.ceil(count / columns));
  const cardWidth = Math.floor((width - GAP * (columns - 1)) / columns);
  const available = height - LEGEND_HEIGHT - GAP * (rows - 1);
  const cardHeight = Math.max(MIN_CARD_HEIGHT, Math.floor(available / rows));
  return { columns, cardWidth, cardHeight };
}

function formatWindow(histogram: DriftHistogramModel | undefined, timeZone?: TimeZone): string | undefined {
  if (!histogram?.referenceFrom || !histogram.referenceTo) {
    return undefined;
  }
  const format = (iso: string) => dateTimeFormat(iso, { format: 'YYYY-MM-DD HH:mm', timeZone });
  return `${format(histogram.referenceFrom)} – ${format(histogram.referenceTo)}`;
}

/** Small multiples of reference against current histograms, one card per feature and version. */
export function DriftHistograms({ histograms, width, height, timeZone, display }: DriftHistogramsProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const colors = driftColors(theme);
  const text = labels.panel.drift;
  const { columns, cardWidth, cardHeight } = gridLayout(histograms.length, width, height);
  const window = formatWindow(histograms[0], timeZone);

  return (
    <div className={styles.container} style={{ width, height }}>
      <div className={styles.legend} data-testid={selectors.panel.drift.legend}>
        <span className={styles.legendItem}>
          <span className={styles.swatch} style={{ background: colors.reference }} />
          {text.reference}
          {window && <span className={styles.window}>({window})</span>}
        </span>
        <span className={styles.legendItem}>
          <span className={styles.swatch} style={{ background: colors.current }} />
          {text.current}
        </span>
        <span className={styles.legendItem}>
          <span className={`${styles.swatch} ${styles.hatch}`} style={{ color: colors.outside }} />
          {text.outsideReference}
        </span>
      </div>
      <div
        className={styles.grid}
        data-testid={selectors.panel.drift.grid}
        style={{ gridTemplateColumns: `repeat(${columns}, ${cardWidth}px)`, gridAutoRows: cardHeight }}
      >
        {histograms.map((histogram) => (
          <DriftHistogramCard
            key={histogram.key}
            histogram={histogram}
            width={cardWidth}
            height={cardHeight}
            display={display}
          />
        ))}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    overflow: 'auto',
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'center',
    flexShrink: 0,
    minHeight: LEGEND_HEIGHT,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  legendItem: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  }),
  window: css({ color: theme.colors.text.disabled }),
  swatch: css({
    display: 'inline-block',
    width: 12,
    height: 12,
    borderRadius: 2,
  }),
  hatch: css({
    border: `1px solid currentColor`,
    backgroundImage: 'repeating-linear-gradient(45deg, currentColor 0 1.5px, transparent 1.5px 5px)',
  }),
  grid: css({
    display: 'grid',
    flexShrink: 0,
    gap: GAP,
  }),
});
