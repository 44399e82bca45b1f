import {
  Cartesian2,
  Cartesian3,
  Color,
  CustomDataSource,
  DistanceDisplayCondition,
  HorizontalOrigin,
  LabelStyle,
  NearFarScalar,
  VerticalOrigin,
  type Entity,
  type Viewer,
} from 'cesium';
import type { SiteKind, SiteSpec } from '../../core/scene/catalog.js';
import type { I18n } from '../i18n/I18n.js';

/** Point colour of each site kind (also the legend's). */
export const SITE_COLORS: Record<SiteKind, string> = { sensor: '#3ee08f', camera: '#ffb020', droneport: '#b57bff' };

/**
 * The scene's live-data sites (sensors, cameras, drone ports) drawn as coloured points with labels.
 * Live values arrive in a later issue; `update(id, text)` already sets a site's label suffix.
 */
export class SiteLayer {
  /** The data source holding the site entities. */
  readonly dataSource = new CustomDataSource('sites');
  private readonly byId = new Map<string, { spec: SiteSpec; entity: Entity }>();

  /**
   * @param viewer the Cesium viewer
   * @param i18n language of the labels
   */
  constructor(
    private readonly viewer: Viewer,
    private readonly i18n: I18n,
  ) {
    void viewer.dataSources.add(this.dataSource);
    i18n.addEventListener('change', () => this.relabel());
  }

  /** Entity id of a site. */
  static entityId(siteId: string): string {
    return `site:${siteId}`;
  }

  /** Adds the scene's sites. */
  setSites(sites: SiteSpec[]): void {
    this.dataSource.entities.removeAll();
    this.byId.clear();
    for (const s of sites) {
      const entity = this.dataSource.entities.add({
        id: SiteLayer.entityId(s.id),
        position: Cartesian3.fromDegrees(s.lon, s.lat, s.height),
        point: {
          pixelSize: 10,
          color: Color.fromCssColorString(SITE_COLORS[s.kind] ?? '#ffffff'),
          outlineColor: Color.BLACK.withAlpha(0.7),
          outlineWidth: 2,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        },
        label: {
          text: this.i18n.text(s.name, s.id),
          font: '12px sans-serif',
          style: LabelStyle.FILL_AND_OUTLINE,
          outlineWidth: 3,
          outlineColor: Color.BLACK,
          fillColor: Color.WHITE,
          verticalOrigin: VerticalOrigin.BOTTOM,
          horizontalOrigin: HorizontalOrigin.CENTER,
          pixelOffset: new Cartesian2(0, -10),
          scaleByDistance: new NearFarScalar(300, 1, 4000, 0.6),
          distanceDisplayCondition: new DistanceDisplayCondition(0, 1200),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        },
      });
      this.byId.set(s.id, { spec: s, entity });
    }
  }

  /** Site spec by id. */
  get(id: string): SiteSpec | undefined {
    return this.byId.get(id)?.spec;
  }

  /** The site id of a picked entity, if it is one of ours. */
  siteIdOf(entity: unknown): string | undefined {
    const id = (entity as Entity | undefined)?.id;
    return typeof id === 'string' && id.startsWith('site:') && this.byId.has(id.slice(5)) ? id.slice(5) : undefined;
  }

  /** Shows or hides all sites. */
  setVisible(show: boolean): void {
    this.dataSource.show = show;
  }

  /** Marks a site selected (bigger point). */
  highlight(id: string | null): void {
    for (const [sid, { entity }] of this.byId) {
      if (entity.point) entity.point.pixelSize = (sid === id ? 16 : 10) as never;
    }
  }

  private relabel(): void {
    for (const { spec, entity } of this.byId.values()) {
      if (entity.label) entity.label.text = this.i18n.text(spec.name, spec.id) as never;
    }
    void this.viewer;
  }
}
