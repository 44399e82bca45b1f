import { describe, expect, it } from 'vitest';
import { buildStyleJson, categoryClasses, HIGHLIGHT_COLOR, literal, numericClasses, NUMERIC_RAMP, prop, quantileClasses } from '../../src/viewer/styling/styleJson.js';

const legend = [
  { color: '#f2d16b', label: { en: 'Residential', zh: '住宅' } },
  { color: '#e8706a', label: { en: 'Commercial', zh: '商业' } },
];

describe('style JSON', () => {
  it('classifies numbers into equal intervals covering min..max', () => {
    const c = numericClasses(0, 120);
    expect(c).toHaveLength(NUMERIC_RAMP.length);
    expect(c[0].range).toEqual([0, 20]);
    expect(c[c.length - 1].range![1]).toBe(120);
    expect(numericClasses(5, 5)).toHaveLength(1);
    expect(() => numericClasses(Infinity, -Infinity)).toThrow(/no numeric values/);
  });

  it('puts quantile breaks so skewed values spread over the ramp', () => {
    const heights = [...Array.from({ length: 90 }, (_, i) => 10 + i * 0.2), 100, 150, 200, 250, 280, 290, 295, 296, 297, 300];
    const c = quantileClasses(heights);
    expect(c.length).toBe(NUMERIC_RAMP.length);
    expect(c[0].range![0]).toBe(10);
    expect(c.at(-1)!.range![1]).toBe(300);
    // most values are below 30: several classes split them, unlike equal intervals
    expect(c.filter((x) => x.range![1] <= 30).length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < c.length; i++) expect(c[i].range![0]).toBe(c[i - 1].range![1]);
    expect(quantileClasses([1, 1, 1])).toHaveLength(1);
    expect(quantileClasses([1, 1, 1, 1, 1, 2]).map((x) => x.color)).toEqual([NUMERIC_RAMP[0]]);
    expect(() => quantileClasses([NaN])).toThrow(/no numeric values/);
  });

  it('uses the legend colours for categories and labels them in the UI language', () => {
    const c = categoryClasses(['商业', '住宅', '住宅', '仓库'], legend, 'en');
    expect(c.map((x) => [x.value, x.color, x.label])).toEqual([
      ['住宅', '#f2d16b', 'Residential'],
      ['商业', '#e8706a', 'Commercial'],
      ['仓库', expect.any(String), '仓库'],
    ]);
  });

  it('puts the selection highlight first, then classes, then the default', () => {
    const s = buildStyleJson({
      idProperty: 'id',
      opacity: 0.5,
      colorBy: { attribute: 'height', kind: 'numeric', classes: numericClasses(0, 60, ['#000000', '#111111', '#222222']) },
      selectedId: "B'1",
      hiddenIds: [],
      isolate: null,
    });
    expect(s!.show).toBeUndefined();
    expect(s!.color!.conditions[0]).toEqual(["${id} === 'B\\'1'", `color('${HIGHLIGHT_COLOR}', 0.5)`]);
    expect(s!.color!.conditions[1]).toEqual(['${height} >= 40', "color('#222222', 0.5)"]);
    expect(s!.color!.conditions[2]).toEqual(['${height} >= 20', "color('#111111', 0.5)"]);
    expect(s!.color!.conditions.at(-1)).toEqual(['true', "color('#ffffff', 0.5)"]);
  });

  it('hides replaced features and isolates a storey', () => {
    const s = buildStyleJson({ idProperty: 'id', opacity: 1, colorBy: null, selectedId: null, hiddenIds: ['B1', 'B2'], isolate: { property: 'storey', value: 'L02' } });
    expect(s!.show).toBe("(${id} !== 'B1' && ${id} !== 'B2') && (${storey} === 'L02')");
    expect(s!.color).toBeUndefined(); // nothing to colour: the model keeps its own colours
  });

  it('returns null when nothing would change, and colours for opacity alone', () => {
    const base = { idProperty: 'id', opacity: 1, colorBy: null, selectedId: null, hiddenIds: [], isolate: null };
    expect(buildStyleJson(base)).toBeNull();
    expect(buildStyleJson({ ...base, opacity: 0.4 })!.color!.conditions).toEqual([['true', "color('#ffffff', 0.4)"]]);
  });

  it('quotes odd property names and literals', () => {
    expect(prop('Pset_WallCommon.FireRating')).toBe("${feature['Pset_WallCommon.FireRating']}");
    expect(literal('a\\b')).toBe("'a\\\\b'");
  });
});
