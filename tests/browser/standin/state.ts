/** What the host page tells the test: ready (with what it checked) or an error. */
export interface StandinState {
  status: 'ready' | 'error';
  error?: string;
  [key: string]: unknown;
}

declare global {
  interface Window {
    standinState?: StandinState;
    /** Queries the query view has started; its state reports the latest one's answer as `runs`. */
    standinRunsStarted?: number;
  }
}

export function standinState(state: StandinState) {
  window.standinState = state;
}
