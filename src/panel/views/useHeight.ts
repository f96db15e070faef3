import { useLayoutEffect, useRef, useState } from 'react';

/**
 * The ref to put on an element, and its drawn height, kept up to date as it changes
 * (its text wraps, a badge appears, the fonts load); `fallback` until it is measured, and where
 * the browser cannot observe sizes.
 */
export function useHeight<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [height, setHeight] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') {
      return;
    }
    const measure = () => {
      const drawn = element.getBoundingClientRect().height;
      if (drawn > 0) {
        setHeight(Math.ceil(drawn));
      }
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, height] as const;
}
