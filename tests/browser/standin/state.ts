/** What the host page tells the test: ready (with what it checked) or an error. */
export interface StandinState {
  status: 'ready' | 'error';
  error?: string;
  [key: string]: unknown;
}

declare global {
  interface Window {
    standinState?: StandinState;
  }
}

export function standinState(state: StandinState) {
  window.standinState = state;
}
