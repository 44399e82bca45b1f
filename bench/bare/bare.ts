/**
 * The benchmark's baseline: a bare CesiumJS page showing the same scene (terrain, ground imagery, the initially visible
 * tilesets) with the same render settings as the app, and nothing else. `twin bench` loads it and the app side by side.
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
    terrainProvider: scene.terrain ? await CesiumTerrainProvider.fromUrl(new URL(scene.terrain.url, sceneUrl).href, { requestVertexNormals: true }) : undefined,
  });
  if (lite) {
    if (viewer.scene.skyAtmosphere) viewer.scene.skyAtmosphere.show = false;
    viewer.scene.globe.showGroundAtmosphere = false;
    viewer.scene.fog.enabled = false;
    if (viewer.scene.sun) viewer.scene.sun.show = false;
    if (viewer.scene.moon) viewer.scene.moon.show = false;
    const skyBox = viewer.scene.skyBox as { show: boolean } | undefined;
    if (skyBox) skyBox.show = false;
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
  for (const layer of scene.layers.filter((l) => l.visible && l.kind !== 'geojson')) {
    const tileset = await Cesium3DTileset.fromUrl(new URL(layer.url, sceneUrl).href);
    viewer.scene.primitives.add(tileset);
  }
  const h = scene.home;
  viewer.camera.setView({
    destination: Cartesian3.fromDegrees(h.lon, h.lat, h.height),
    orientation: { heading: CesiumMath.toRadians(h.heading), pitch: CesiumMath.toRadians(h.pitch), roll: CesiumMath.toRadians(h.roll) },
  });
  (window as unknown as { viewer: Viewer }).viewer = viewer;
}

main().catch((err) => {
  document.body.textContent = `bare page failed: ${err}`;
});
