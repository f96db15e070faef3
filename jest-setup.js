// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
// Force the timezone so that date formatting is the same on every machine.
process.env.TZ = 'UTC';

// jsdom has no canvas, and the scaffold's setup makes getContext return undefined, so @grafana/ui's
// measureText (which measures on a 2D canvas context) would throw. This context measures every
// character as 0.6 of the font size, about the average advance of Inter and DejaVu Sans: deterministic,
// growing with both the text's length and the font size, so that layout tests still catch text
// that would not fit. It only measures; a test that draws on a canvas must bring its own mock.
const FONT_SIZE = /(\d+(?:\.\d+)?)px/;
HTMLCanvasElement.prototype.getContext = function getContext(type) {
  if (type !== '2d') {
    return null;
  }
  return {
    canvas: this,
    font: '10px sans-serif',
    measureText(text) {
      const size = Number(FONT_SIZE.exec(this.font)?.[1] ?? 10);
      const width = String(text).length * size * 0.6;
      return { width, actualBoundingBoxLeft: 0, actualBoundingBoxRight: width };
    },
  };
};
