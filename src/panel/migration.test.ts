import { migratePanelOptions } from './migration';
import { DEFAULT_PANEL_OPTIONS, PANEL_OPTIONS_VERSION } from './types';

describe('migratePanelOptions', () => {
  it('fills the defaults for a new panel', () => {
    expect(migratePanelOptions(undefined)).toEqual(DEFAULT_PANEL_OPTIONS);
    expect(DEFAULT_PANEL_OPTIONS.normalize).toBe('row');
    expect(PANEL_OPTIONS_VERSION).toBe(2);
  });

  it('keeps valid saved choices and stamps the version', () => {
    expect(migratePanelOptions({ view: 'confusion', normalize: 'total', showCounts: false })).toEqual({
      view: 'confusion',
      normalize: 'total',
      showCounts: false,
      optionsVersion: PANEL_OPTIONS_VERSION,
    });
  });

  it('brings version 1 options to version 2 without changing the choices', () => {
    const v1 = { view: 'confusion', normalize: 'column', showCounts: true, optionsVersion: 1 };
    expect(migratePanelOptions(v1)).toEqual({ ...v1, optionsVersion: 2 });
  });

  it('accepts the views added in version 2', () => {
    expect(migratePanelOptions({ view: 'drift', optionsVersion: 2 }).view).toBe('drift');
    expect(migratePanelOptions({ view: 'comparison', optionsVersion: 2 }).view).toBe('comparison');
  });

  it('replaces unknown values with defaults', () => {
    expect(migratePanelOptions({ view: 'radar', normalize: 'rows', showCounts: 'yes' })).toEqual(DEFAULT_PANEL_OPTIONS);
  });
});
