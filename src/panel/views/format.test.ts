import { shareFormatter, signed, valueFormatter } from './format';

describe('valueFormatter', () => {
  it("keeps the view's own format when the panel sets neither unit nor decimals", () => {
    expect(valueFormatter(undefined)(0.7353)).toBe('0.735');
    expect(valueFormatter({})(0.7353)).toBe('0.735');
    expect(valueFormatter({ unit: '', decimals: null })(null)).toBe('–');
  });

  it("formats with the panel's unit and decimals", () => {
    expect(valueFormatter({ unit: 'percentunit', decimals: 1 })(0.7353)).toBe('73.5%');
    expect(valueFormatter({ unit: 'ms' })(1500)).toBe('1.50 s');
    expect(valueFormatter({ decimals: 2 })(0.7353)).toBe('0.74');
    expect(valueFormatter({ unit: 'percentunit' })(null)).toBe('–');
  });
});

describe('shareFormatter', () => {
  it('shows shares as percent by default, a unit and decimals when set', () => {
    expect(shareFormatter(undefined)(0.5)).toBe('50.0%');
    expect(shareFormatter(undefined, 0)(0.25)).toBe('25%');
    expect(shareFormatter({ decimals: 2 })(0.12345)).toBe('12.35%');
    expect(shareFormatter({ unit: 'none', decimals: 3 })(0.5)).toBe('0.500');
  });
});

describe('signed', () => {
  it('always shows the sign of a difference, in the given format', () => {
    const delta = signed(valueFormatter({ unit: 'percentunit', decimals: 1 }));
    expect(delta(0.14)).toBe('+14.0%');
    expect(delta(-0.05)).toBe('−5.0%');
    expect(delta(0)).toBe('0.0%');
    expect(delta(null)).toBe('–');
  });
});
