/**
 * The demo's dashboard renderer draws a metric widget's horizontal annotations (the provisioned
 * minimum of each resource): dashed lines with their labels, inside a y range that covers them.
 */
import { horizontalAnnotations, renderDashboardPage, svgChart, type HorizontalLine } from '../demo/dashboard-page';
import { metricRow, timeSeriesWidget } from '../core/dashboard/widgets';
import { DAY_MS, HOUR_MS, SimAccount, traffic } from '../sim';
import { simViewer } from './support/sim-viewer';

const REGION = 'us-east-1';
// The chart's plot area (CHART in demo/dashboard-page.ts): y from 12 (top) to 192 (bottom).
const PLOT_TOP = 12;
const PLOT_BOTTOM = 220 - 28;

const START = Date.UTC(2024, 0, 1);
const END = START + 6 * HOUR_MS;
const series = (values: number[], label = 'shop actual') => [
  { label, region: REGION, points: values.map((v, k) => ({ t: START + ((END - START) * k) / (values.length - 1), v })) },
];

/** The dashed annotation lines of an SVG: their y and <title>. */
const dashedLines = (svg: string) =>
  [...svg.matchAll(/<line class="annotation"[^>]*y1="([\d.-]+)" y2="([\d.-]+)"[^>]*stroke-dasharray="[^"]+"><title>([^<]*)<\/title><\/line>/g)].map((m) => ({
    y: Number(m[1]),
    y2: Number(m[2]),
    title: m[3],
  }));
const labels = (svg: string) => [...svg.matchAll(/<text class="annotation-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
/** Every y coordinate of the series' polylines. */
const polylineYs = (svg: string) =>
  [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].flatMap((m) => m[1].split(' ').map((p) => Number(p.split(',')[1])));

describe('svgChart with horizontal annotations', () => {
  const minima: HorizontalLine[] = [
    { label: 'shop minimum', color: '#555555', values: [5] },
    { label: 'Lowest minimum allowed', color: '#a0522d', values: [1] },
  ];

  it('draws each annotation as a labelled dashed line, the y range covering one above every datapoint', () => {
    const svg = svgChart(series([2, 2.5, 3, 2]), START, END, { annotations: minima, yMin: 0 });
    const lines = dashedLines(svg);
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.title)).toEqual(['shop minimum: 5', 'Lowest minimum allowed: 1']);
    expect(labels(svg)).toEqual(expect.arrayContaining(['shop minimum', 'Lowest minimum allowed']));
    for (const l of lines) {
      expect(l.y).toBe(l.y2); // horizontal
      expect(l.y).toBeGreaterThanOrEqual(PLOT_TOP);
      expect(l.y).toBeLessThanOrEqual(PLOT_BOTTOM);
    }
    // 5 is the top of the range: the minimum sits above the traffic, which stays in the plot.
    const [five, one] = lines;
    expect(five.y).toBe(PLOT_TOP);
    expect(one.y).toBeCloseTo(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) / 5, 1);
    const ys = polylineYs(svg);
    expect(ys.length).toBe(4);
    for (const v of ys) {
      expect(v).toBeGreaterThan(five.y);
      expect(v).toBeLessThanOrEqual(PLOT_BOTTOM);
    }
    expect(svg).toContain('>5</text>'); // the axis's top tick is the annotation's value (an integer, not 5.0)
  });

  it('respects yAxis.left.min, and draws no line for an annotation outside an explicit range', () => {
    const svg = svgChart(series([2, 4, 6]), START, END, { annotations: minima, yMin: 2, clipId: 'c1' });
    const lines = dashedLines(svg);
    expect(lines.map((l) => l.title)).toEqual(['shop minimum: 5']); // 1 is below the axis's min 2
    expect(svg).toContain(`y="${PLOT_BOTTOM + 4}.0" font-size="10" text-anchor="end" fill="#555">2</text>`); // bottom tick = min
    expect(svg).not.toContain('clip-path'); // no datapoint below 2: nothing to clip
    const cut = svgChart(series([0, 4, 6]), START, END, { yMin: 2, clipId: 'c1' });
    expect(cut).toContain('<clipPath id="c1">');
    expect(cut).toContain('<g clip-path="url(#c1)">');
  });

  it('draws a band (a pair) as a line at each edge, labelled once', () => {
    const svg = svgChart(series([1, 2]), START, END, { annotations: [{ label: 'target', color: '#123456', values: [3, 4] }] });
    expect(dashedLines(svg).map((l) => l.title)).toEqual(['target: 3', 'target: 4']);
    expect(labels(svg)).toEqual(['target']);
    expect(svg).toContain('class="annotation-fill"');
  });

  it('leaves a chart without annotations as before: no annotation markup, the range from 0 to the highest datapoint', () => {
    const plain = svgChart(series([2, 4, 3]), START, END);
    expect(svgChart(series([2, 4, 3]), START, END, { yMin: 0, annotations: [] })).toBe(plain);
    expect(plain).not.toMatch(/annotation|clip|dasharray/);
    expect(Math.min(...polylineYs(plain))).toBe(PLOT_TOP);
    expect(Math.max(...polylineYs(plain))).toBeLessThan(PLOT_BOTTOM);
  });
});

describe('horizontalAnnotations', () => {
  it('reads the body format: single values, bands, colour, hidden and malformed entries', () => {
    const widget = {
      type: 'metric',
      properties: {
        annotations: {
          horizontal: [
            { value: 5, label: 'shop minimum' },
            { value: 1, label: 'low', color: '#ff0000', fill: 'below' },
            { value: 9, label: 'hidden', visible: false },
            [{ value: 10, label: 'band' }, { value: 20 }],
            { label: 'no value' },
            { value: 7 },
          ],
        },
      },
    };
    const { annotations, skipped } = horizontalAnnotations(widget);
    expect(skipped).toBe(1);
    expect(annotations).toEqual([
      { label: 'shop minimum', color: expect.stringMatching(/^#/), values: [5] },
      { label: 'low', color: '#ff0000', values: [1], fill: 'below' },
      { label: 'band', color: expect.stringMatching(/^#/), values: [10, 20] },
      { label: '7', color: expect.stringMatching(/^#/), values: [7] },
    ]);
    expect(new Set(annotations.map((a) => a.color)).size).toBe(4);
    expect(horizontalAnnotations({ type: 'metric', properties: {} })).toEqual({ annotations: [], skipped: 0 });
  });
});

describe('dashboard page draws the minimum annotations of a widget read from the simulated account', () => {
  const sim = simViewer();
  let account: SimAccount;
  beforeEach(() => {
    account = sim.account;
  });
  const client = (region: string) => sim.client(region);

  it('renders two dashed lines with their labels in the legend, above the traffic', async () => {
    const now = account.clock.now();
    const shop = account.personalize.createCampaign({ region: REGION, name: 'shop', minProvisionedTPS: 5, createdAt: now - 2 * DAY_MS, traffic: traffic.constant(2) });
    // As the product's builder emits it (core/dashboard/widgets.ts).
    const widget = timeSeriesWidget({
      width: 12,
      height: 6,
      title: 'Actual vs Provisioned TPS/RPS',
      region: REGION,
      stat: 'Sum',
      metrics: [metricRow('AWS/Personalize', 'GetRecommendations', [{ name: 'CampaignArn', value: shop }], { id: 'm1', visible: false }), [{ expression: 'm1/PERIOD(m1)', id: 'a1', label: 'shop actual' }]],
      yAxis: { left: { label: 'TPS/RPS', min: 0, showUnits: false } },
      annotations: [
        { value: 5, label: 'shop minimum' },
        { value: 1, label: 'Lowest minimum allowed' },
      ],
    });
    const body = { widgets: [{ ...widget, x: 0, y: 0 }] };

    const page = await renderDashboardPage([{ name: 'pm', body: JSON.stringify(body) }], { client, startMs: now - 6 * HOUR_MS, endMs: now, title: 'test' });

    expect(page).toMatchObject({ charts: 1, series: 1, seriesWithData: 1, widgetErrors: 0 });
    const svg = /<svg[\s\S]*?<\/svg>/.exec(page.html)![0];
    const lines = dashedLines(svg);
    expect(lines.map((l) => l.title)).toEqual(['shop minimum: 5', 'Lowest minimum allowed: 1']);
    expect(labels(svg)).toEqual(expect.arrayContaining(['shop minimum', 'Lowest minimum allowed']));
    const five = lines[0].y;
    expect(five).toBeGreaterThanOrEqual(PLOT_TOP);
    expect(five).toBeLessThanOrEqual(PLOT_BOTTOM);
    const ys = polylineYs(svg);
    expect(ys.length).toBeGreaterThan(1);
    expect(Math.min(...ys)).toBeGreaterThan(five); // every datapoint (~2 TPS) under the minimum of 5
    const legend = /<ul class="legend"[^>]*>[\s\S]*?<\/ul>/.exec(page.html)![0];
    expect(legend).toContain('shop actual');
    expect(legend).toContain('shop minimum (5)');
    expect(legend).toContain('Lowest minimum allowed (1)');
  });
});
