/**
 * The benchmark's baseline: a bare CesiumJS page showing the same scene (terrain, ground imagery, the initially visible
 * tilesets) with the same render settings as the app, and nothing else. `twin bench` loads it and the app side by side.
 * What the app sets that changes loading or rendering is set here alike: terrain without vertex normals (no lighting),
 * depth test against terrain, lite settings, tilesets requested together.
 */
import {
  Cartesian3,
  CesiumTerrainProvider,
  Cesium3DTileset,
  GeographicTilingScheme,
  ImageryLayer,
  Ion,
  Math as CesiumMath,
  Rectangle,
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
  Viewer,
  buildModuleUrl,
} from 'cesium';
import 'cesium/Build/Cesium/Widgets/widgets.css';
import type { SceneCatalog } from '../../src/core/scene/catalog.js';

Ion.defaultAccessToken = '';

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const sceneUrl = new URL(params.get('scene') ?? '/tilesets/demo/scene.json', location.href);
  const scene = (await (await fetch(sceneUrl)).json()) as SceneCatalog;
  const lite = params.get('lite') === '1';
  const viewer = new Viewer('cesium', {
    baseLayer: ImageryLayer.fromProviderAsync(TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII'))),
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    animation: false,
    timeline: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    msaaSamples: lite ? 1 : 4,
    skyBox: lite ? false : undefined,
    skyAtmosphere: lite ? false : undefined,
    terrainProvider: scene.terrain ? await CesiumTerrainProvider.fromUrl(new URL(scene.terrain.url, sceneUrl).href, { requestVertexNormals: false }) : undefined,
  });
  // The home view from the first frame on, as the app does (no globe-wide tiles first).
  const h = scene.home;
  viewer.camera.setView({
    destination: Cartesian3.fromDegrees(h.lon, h.lat, h.height),
    orientation: { heading: CesiumMath.toRadians(h.heading), pitch: CesiumMath.toRadians(h.pitch), roll: CesiumMath.toRadians(h.roll) },
  });
  viewer.scene.globe.depthTestAgainstTerrain = true;
  if (lite) {
    viewer.scene.globe.showGroundAtmosphere = false;
    viewer.scene.fog.enabled = false;
    if (viewer.scene.sun) viewer.scene.sun.show = false;
    if (viewer.scene.moon) viewer.scene.moon.show = false;
  }
  for (const im of scene.imagery) {
    const provider = new UrlTemplateImageryProvider({
      url: new URL(im.url.replace(/\{/g, '%7B').replace(/\}/g, '%7D'), sceneUrl).href.replace(/%7B/g, '{').replace(/%7D/g, '}'),
      tilingScheme: im.tilingScheme === 'geographic' ? new GeographicTilingScheme() : undefined,
      minimumLevel: im.minimumLevel,
      maximumLevel: im.maximumLevel,
      rectangle: im.rectangle ? Rectangle.fromDegrees(...im.rectangle) : undefined,
    });
    viewer.imageryLayers.addImageryProvider(provider);
  }
  const tilesets = scene.layers
    .filter((l) => l.visible && l.kind !== 'geojson')
    .map((l) => Cesium3DTileset.fromUrl(new URL(l.url, sceneUrl).href, { maximumScreenSpaceError: 16 }));
  for (const tileset of await Promise.all(tilesets)) viewer.scene.primitives.add(tileset);
  (window as unknown as { viewer: Viewer }).viewer = viewer;
}

main().catch((err) => {
  document.body.textContent = `bare page failed: ${err}`;
});
