import React, { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { ReferenceWindow } from '../types';
import { ReferenceEditor } from './ReferenceEditor';

const text = labels.query.reference;
const options = labels.query.referenceOptions;

function Harness({ initial, onChange }: { initial?: ReferenceWindow; onChange: (reference: ReferenceWindow) => void }) {
  const [reference, setReference] = useState(initial);
  return (
    <ReferenceEditor
      value={reference}
      labelWidth={16}
      onChange={(next) => {
        setReference(next);
        onChange(next);
      }}
    />
  );
}

function renderReference(initial?: ReferenceWindow) {
  const onChange = jest.fn();
  render(<Harness initial={initial} onChange={onChange} />);
  return onChange;
}

function type(testId: string, value: string) {
  const input = screen.getByTestId(testId);
  fireEvent.change(input, { target: { value } });
  fireEvent.blur(input);
}

describe('ReferenceEditor', () => {
  it('shows the previous period when the query has no reference', () => {
    renderReference();
    expect(screen.getByLabelText(options.previous.label)).toBeChecked();
    expect(screen.queryByTestId(selectors.query.referenceShift)).not.toBeInTheDocument();
  });

  it('writes a shift of a week, then the duration typed', () => {
    const onChange = renderReference();
    fireEvent.click(screen.getByLabelText(options.shift.label));
    expect(onChange).toHaveBeenLastCalledWith({ type: 'shift', shift: '7d' });
    expect(screen.getByTestId(selectors.query.referenceShift)).toHaveValue('7d');
    type(selectors.query.referenceShift, '12h');
    expect(onChange).toHaveBeenLastCalledWith({ type: 'shift', shift: '12h' });
  });

  it('says why a shift in months is refused, as the backend does', () => {
    const onChange = renderReference({ type: 'shift', shift: '7d' });
    type(selectors.query.referenceShift, '1M');
    expect(screen.getByText(labels.query.duration.monthsOrYears)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it.each(['a week', '7 days', '-1d', '0d', ''])('refuses the shift %p', (shift) => {
    const onChange = renderReference({ type: 'shift', shift: '7d' });
    type(selectors.query.referenceShift, shift);
    expect(screen.getByText(text.invalidShift)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('writes a fixed range from two RFC 3339 times', () => {
    const onChange = renderReference();
    fireEvent.click(screen.getByLabelText(options.range.label));
    expect(onChange).toHaveBeenLastCalledWith({ type: 'range', from: '', to: '' });
    type(selectors.query.referenceFrom, '2026-02-01T00:00:00Z');
    type(selectors.query.referenceTo, '2026-02-08T00:00:00+01:00');
    expect(onChange).toHaveBeenLastCalledWith({
      type: 'range',
      from: '2026-02-01T00:00:00Z',
      to: '2026-02-08T00:00:00+01:00',
    });
  });

  it('refuses a time that is not RFC 3339', () => {
    const onChange = renderReference({ type: 'range', from: '2026-02-01T00:00:00Z', to: '2026-02-08T00:00:00Z' });
    type(selectors.query.referenceFrom, '2026-02-01');
    expect(screen.getByText(text.invalidTime)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows the error of a range that ends before it starts', () => {
    render(
      <ReferenceEditor
        value={{ type: 'range', from: '2026-02-08T00:00:00Z', to: '2026-02-01T00:00:00Z' }}
        labelWidth={16}
        onChange={jest.fn()}
        error={text.emptyRange}
      />
    );
    expect(screen.getByText(text.emptyRange)).toBeInTheDocument();
  });

  it('goes back to the previous period', () => {
    const onChange = renderReference({ type: 'shift', shift: '14d' });
    fireEvent.click(screen.getByLabelText(options.previous.label));
    expect(onChange).toHaveBeenLastCalledWith({ type: 'previous' });
    expect(screen.queryByTestId(selectors.query.referenceShift)).not.toBeInTheDocument();
  });
});
