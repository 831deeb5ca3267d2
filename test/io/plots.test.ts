// The SVG pictures: well-formed, self-contained, one marker per value and one bar per class,
// edge cases (one epoch, gaps, NaN, flat series), and escaped text.
import { describe, expect, it } from 'vitest';
import { curvesSvg, escapeXml, predictionSvg, type EpochRecord } from '../../src/io/plots.js';

/** Balanced tags, nothing but known entities after '&', no stray '<' or '>' in text or attributes. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const text = svg.slice(i, lt === -1 ? svg.length : lt);
    expect(text, 'text').not.toMatch(/>|&(?!(amp|lt|gt|quot|apos);)/);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    expect(m, `a tag at ${svg.slice(lt, lt + 60)}`).not.toBeNull();
    const [whole, closing, name, attrs, selfClosing] = m!;
    expect(attrs, 'attributes').not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (closing) expect(stack.pop(), `</${name}>`).toBe(name);
    else if (!selfClosing) stack.push(name);
    i = lt + whole.length;
  }
  expect(stack).toEqual([]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg).not.toMatch(/<script|@import|url\(|href=|<image/i);
}

const count = (svg: string, pattern: RegExp) => svg.match(new RegExp(pattern, 'g'))?.length ?? 0;
const points = (svg: string, series: string) => count(svg, new RegExp(`<circle class="point" data-series="${series}"`));
const lines = (svg: string, series: string) => count(svg, new RegExp(`<polyline class="line" data-series="${series}"`));

const history: EpochRecord[] = Array.from({ length: 10 }, (_, i) => ({
  epoch: i + 1,
  train_loss: 0.9 / (i + 1),
  val_loss: 0.8 / (i + 1) + 0.02 * i,
  val_accuracy: 0.9 + 0.009 * i,
  train_accuracy: 0.88 + 0.01 * i,
}));

it('the well-formedness check catches broken markup', () => {
  const open = '<svg xmlns="http://www.w3.org/2000/svg">';
  expectWellFormed(`${open}<g><text>a &amp; b</text></g></svg>`);
  for (const bad of [`${open}<g></svg>`, `${open}<text>a & b</text></svg>`, `${open}<text>a<b</text></svg>`, `${open}<text x="<">a</text></svg>`]) {
    expect(() => expectWellFormed(bad), bad).toThrow();
  }
});

describe('curvesSvg', () => {
  it('draws both panels with a marker per value, axes labels and legends', () => {
    const svg = curvesSvg(history);
    expectWellFormed(svg);
    expect(count(svg, /<g class="panel"/)).toBe(2);
    for (const s of ['train_loss', 'val_loss', 'val_accuracy', 'train_accuracy']) {
      expect(points(svg, s), s).toBe(10);
      expect(lines(svg, s), s).toBe(1);
    }
    for (const label of ['>Loss<', '>Accuracy<', '>epoch<', '>training loss<', '>validation loss<', '>validation accuracy<', '>training accuracy<']) expect(svg).toContain(label);
    // Epoch ticks are integers from 1 to 10, stepping by 2.
    for (const e of [2, 4, 6, 8, 10]) expect(svg).toMatch(new RegExp(`text-anchor="middle" font-size="11" font-family="sans-serif">${e}<`));
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('leaves out the training accuracy when it is not given', () => {
    const svg = curvesSvg(history.map(({ train_accuracy: _, ...h }) => h));
    expect(points(svg, 'train_accuracy')).toBe(0);
    expect(svg).not.toContain('training accuracy');
  });

  it('handles one epoch, missing and NaN values, and flat series', () => {
    const one = curvesSvg([{ epoch: 1, train_loss: 0.3, val_loss: 0.3, val_accuracy: 1, train_accuracy: null }]);
    expectWellFormed(one);
    expect([points(one, 'train_loss'), points(one, 'val_loss'), points(one, 'val_accuracy'), lines(one, 'train_loss')]).toEqual([1, 1, 1, 0]);
    expect(one).toContain('>1.00<'); // a flat accuracy of 1 gets an axis up to 1, not beyond
    expect(one).not.toContain('>1.02<');

    const gappy = curvesSvg([
      { epoch: 1, train_loss: 2, val_loss: null, val_accuracy: null },
      { epoch: 2, train_loss: NaN, val_loss: 0.5, val_accuracy: 0.5 },
      { epoch: 3, train_loss: 1, val_loss: 0.5, val_accuracy: 0.5 },
      { epoch: 4, train_loss: Infinity, val_loss: 0.5, val_accuracy: 0.5 },
      { epoch: 5, train_loss: 0.5, val_loss: 0.5, val_accuracy: 0.5 },
      { epoch: 6, train_loss: 0.4, val_loss: null, val_accuracy: 0.5 },
    ]);
    expectWellFormed(gappy);
    expect(gappy).not.toMatch(/NaN|Infinity/);
    // train_loss: 1 | 3 | 5, 6 — one line (5–6), four markers; flat val_loss: 2–5 one line.
    expect([points(gappy, 'train_loss'), lines(gappy, 'train_loss')]).toEqual([4, 1]);
    expect([points(gappy, 'val_loss'), lines(gappy, 'val_loss')]).toEqual([4, 1]);
    expect([points(gappy, 'val_accuracy'), lines(gappy, 'val_accuracy')]).toEqual([5, 1]);

    const empty = curvesSvg([]);
    expectWellFormed(empty);
    expect(count(empty, /no data/)).toBe(2);
  });
});

describe('predictionSvg', () => {
  const digit = Float32Array.from({ length: 28 * 28 }, (_, i) => {
    const [y, x] = [Math.floor(i / 28), i % 28];
    return x >= 12 && x <= 15 && y >= 4 && y <= 23 ? (x === 12 || x === 15 ? 0.5 : 1) : 0; // a "1"
  });
  const probs = [0.01, 0.9, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01];
  const digits = [...'0123456789'];

  it('draws every inked pixel, one bar per class and the tutorial caption', () => {
    const svg = predictionSvg(digit, 28, 28, probs, digits, 1);
    expectWellFormed(svg);
    const image = /<g class="image"[^>]*>(.*?)<\/g>/.exec(svg)![1];
    expect(count(image, /<rect /)).toBe(digit.filter((v) => v > 0).length);
    expect(image).toContain('fill="rgb(0,0,0)"'); // ink 1 is black, as matplotlib's binary colormap
    expect(image).toContain('fill="rgb(128,128,128)"');
    expect(count(svg, /<rect class="bar"/)).toBe(10);
    expect(svg).toContain('>90.0% \u2190 true<');
    expect(svg).toMatch(/<text class="caption"[^>]*fill="#1f77b4"[^>]*>1 90% \(1\)<\/text>/);
    expect(svg).toMatch(/<rect class="bar" data-class="1" x="[\d.]+" y="[\d.]+" width="198" height="16" fill="#1f77b4"\/>/);
  });

  it('shows a wrong prediction in red and the truth in blue', () => {
    const svg = predictionSvg(digit, 28, 28, probs, digits, 7);
    expect(svg).toMatch(/<text class="caption"[^>]*fill="#d62728"[^>]*>1 90% \(7\)<\/text>/);
    expect(svg).toMatch(/data-class="1"[^>]*fill="#d62728"/);
    expect(svg).toMatch(/data-class="7"[^>]*fill="#1f77b4"/);
    expect(count(svg, /\u2190 true/)).toBe(1);
  });

  it('escapes class names', () => {
    const names = ['T-shirt/top', 'a<b', 'Q&A', '"quoted"', "it's"];
    const svg = predictionSvg(new Float32Array(4), 2, 2, [0.1, 0.2, 0.3, 0.15, 0.25], names);
    expectWellFormed(svg);
    expect(svg).toContain('>T-shirt/top<');
    expect(svg).toContain('>a&lt;b<');
    expect(svg).toContain('>Q&amp;A 30%<'); // the caption: no true label, no parentheses
    expect(svg).toContain('>&quot;quoted&quot;<');
    expect(svg).toContain('>it&apos;s<');
    expect(escapeXml('<&>')).toBe('&lt;&amp;&gt;');
  });

  it('copes with NaN probabilities and out-of-range pixels', () => {
    const svg = predictionSvg(Float32Array.of(NaN, -1, 2, 0.5), 2, 2, [NaN, 0.4, 0.6], ['a', 'b', 'c']);
    expectWellFormed(svg);
    expect(svg).toContain('>c 60%<');
    expect(svg).toContain('>NaN<');
    expect(count(/<g class="image"[^>]*>(.*?)<\/g>/.exec(svg)![1], /<rect /)).toBe(2);
  });

  it('rejects inputs that do not fit', () => {
    expect(() => predictionSvg(new Float32Array(10), 28, 28, probs, digits)).toThrow('an image of 10 values is not 28×28');
    expect(() => predictionSvg(digit, 28, 28, probs, digits.slice(1))).toThrow('10 probabilities for 9 class names');
    expect(() => predictionSvg(digit, 28, 28, probs, digits, 10)).toThrow('trueLabel 10 is not a class index below 10');
  });
});
