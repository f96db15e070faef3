import { migratePanelOptions } from './migration';
import { DEFAULT_PANEL_OPTIONS, PANEL_OPTIONS_VERSION } from './types';

describe('migratePanelOptions', () => {
  it('fills the defaults for a new panel', () => {
    expect(migratePanelOptions(undefined)).toEqual(DEFAULT_PANEL_OPTIONS);
    expect(DEFAULT_PANEL_OPTIONS.normalize).toBe('row');
  });

  it('keeps valid saved choices and stamps the version', () => {
    expect(migratePanelOptions({ view: 'confusion', normalize: 'total', showCounts: false })).toEqual({
      view: 'confusion',
      normalize: 'total',
      showCounts: false,
      optionsVersion: PANEL_OPTIONS_VERSION,
    });
  });

  it('replaces unknown values with defaults', () => {
    expect(migratePanelOptions({ view: 'radar', normalize: 'rows', showCounts: 'yes' })).toEqual(DEFAULT_PANEL_OPTIONS);
  });
});
