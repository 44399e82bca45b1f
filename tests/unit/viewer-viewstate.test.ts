import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState, normalizeViewState, roundCamera, ViewStateError, type ViewState } from '../../src/core/scene/viewstate.js';

const defaults: ViewState = {
  camera: { lon: 113.32, lat: 23.1, height: 1400, heading: 0, pitch: -35, roll: 0 },
  layers: { city: { visible: true, opacity: 1, styleBy: null }, pipes: { visible: false, opacity: 1, styleBy: null } },
  selection: null,
  bim: { layer: 'bim', storey: null, explode: 0, section: null },
  underground: false,
  lang: 'zh',
  userLayers: [],
};

const full: ViewState = {
  camera: { lon: 113.3212345678, lat: 23.1187654321, height: 432.109, heading: 359.999, pitch: -47.123456, roll: -0.001 },
  layers: {
    pipes: { visible: true, opacity: 0.654, styleBy: 'network' },
    city: { visible: false, opacity: 0.3, styleBy: 'height' },
    'odd:id,~%': { visible: true, opacity: 1, styleBy: 'a:b' },
  },
  selection: { layer: 'city', id: '建筑:B-0012,东' },
  bim: { layer: 'bim', storey: 'L03', explode: 4.25, section: 12.34 },
  underground: true,
  lang: 'en',
  userLayers: [
    { type: 'tiles', url: '/tilesets/x/tileset.json', name: 'Dover, DE' },
    { type: 'imagery', url: 'http://t{s}.tianditu.gov.cn/img_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc', name: '天地图', scheme: 'webmercator' },
  ],
};

describe('view state share links', () => {
  it('round-trips every field exactly after normalisation', () => {
    const hash = encodeViewState(full);
    const back = decodeViewState(hash, defaults);
    expect(back).toEqual(normalizeViewState(full));
    // encoding the decoded state again gives the same link
    expect(encodeViewState(back)).toBe(hash);
  });

  it('rounds the camera to cm / centi-degree precision and wraps angles', () => {
    const c = roundCamera(full.camera!);
    expect(c).toEqual({ lon: 113.3212346, lat: 23.1187654, height: 432.11, heading: 0, pitch: -47.12, roll: 0 });
    expect(roundCamera({ ...c, heading: -90 }).heading).toBe(270);
  });

  it('keeps Chinese and separator characters in ids intact', () => {
    const back = decodeViewState('#' + encodeViewState(full), defaults);
    expect(back.selection).toEqual({ layer: 'city', id: '建筑:B-0012,东' });
    expect(back.layers['odd:id,~%']).toEqual({ visible: true, opacity: 1, styleBy: 'a:b' });
    expect(back.userLayers[1].url).toContain('{z}');
    expect(back.userLayers[1].url).toContain('tk=abc');
  });

  it('fills missing fields from the defaults', () => {
    const back = decodeViewState('lang=en', defaults);
    expect(back).toEqual(normalizeViewState({ ...defaults, lang: 'en' }));
  });

  it('names the bad field of a malformed link', () => {
    expect(() => decodeViewState('cam=1,2,3', defaults)).toThrow(ViewStateError);
    expect(() => decodeViewState('cam=1,2,3', defaults)).toThrow(/'cam'/);
    expect(() => decodeViewState('cam=1,2,x,0,0,0', defaults)).toThrow(/'cam'.*not a number/);
    expect(() => decodeViewState('l=city:2:1:-', defaults)).toThrow(/'l'/);
    expect(() => decodeViewState('l=city:1:1.5:-', defaults)).toThrow(/opacity/);
    expect(() => decodeViewState('sel=onlylayer', defaults)).toThrow(/'sel'/);
    expect(() => decodeViewState('lang=fr', defaults)).toThrow(/'lang'/);
    expect(() => decodeViewState('v=2', defaults)).toThrow(/'v'/);
    expect(() => decodeViewState('add=ftp~x~-~y', defaults)).toThrow(/'add'/);
  });
});
