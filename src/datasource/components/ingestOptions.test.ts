import { compactIngest, parseIngestLimit } from './ingestOptions';

describe('parseIngestLimit', () => {
  it('reads empty text and the default as nothing to save, and a number in range as itself', () => {
    expect(parseIngestLimit('maxBatchRows', ' ')).toEqual({});
    expect(parseIngestLimit('maxBatchRows', '50000')).toEqual({ value: undefined });
    expect(parseIngestLimit('maxBatchRows', ' 1000000 ')).toEqual({ value: 1000000 });
    expect(parseIngestLimit('maxBodyBytes', '1024')).toEqual({ value: 1024 });
  });

  // A pasted wall of digits must not come back whole in the field's error.
  it('repeats at most 200 characters of the text in its error', () => {
    const error = parseIngestLimit('rowsPerSecond', '9'.repeat(5000)).error ?? '';
    expect(error).toContain(`not "${'9'.repeat(200)}…"`);
    expect(error.length).toBeLessThan(400);
  });
});

describe('compactIngest', () => {
  it('keeps only what differs from the defaults, and nothing at all when every field is a default', () => {
    expect(compactIngest({ enabled: false, role: 'Editor', maxBodyBytes: 0, maxBatchRows: 50000 })).toBeUndefined();
    expect(compactIngest({ enabled: true, role: 'Admin', batchesPerSecond: 5, rowsPerSecond: 200000 })).toEqual({
      enabled: true,
      role: 'Admin',
      batchesPerSecond: 5,
    });
  });
});
