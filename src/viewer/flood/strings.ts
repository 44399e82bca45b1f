/**
 * UI strings of the flood tool in both languages. Looked up with the app's current language ({@link floodT}), so
 * they switch with the app's language button.
 */
import type { I18n } from '../i18n/I18n.js';

export const FLOOD_STRINGS = {
  flood: { zh: '内涝 / 洪水模拟', en: 'Flood simulation' },
  floodShort: { zh: '洪涝', en: 'Flood' },
  floodError: { zh: '洪涝模拟出错', en: 'Flood simulation failed' },
  floodNoData: { zh: '场景没有分析数据（scene.json 的 analysis）', en: 'The scene has no analysis data (scene.json analysis)' },
  loadingData: { zh: '正在加载分析数据…', en: 'Loading analysis data…' },
  scenario: { zh: '情景', en: 'Scenario' },
  rain: { zh: '设计暴雨', en: 'Design storm' },
  breach: { zh: '江堤决口', en: 'Levee breach' },
  returnPeriod: { zh: '重现期（年）', en: 'Return period (years)' },
  stormDuration: { zh: '降雨历时（分钟）', en: 'Storm duration (min)' },
  stormInfo: { zh: '芝加哥雨型，广州暴雨强度公式', en: 'Chicago storm, Guangzhou IDF' },
  totalRain: { zh: '总雨量', en: 'Total rain' },
  peakRain: { zh: '峰值雨强', en: 'Peak intensity' },
  breachSite: { zh: '决口位置', en: 'Breach site' },
  peakFlow: { zh: '峰值流量 (m³/s)', en: 'Peak discharge (m³/s)' },
  riseTime: { zh: '涨水历时（分钟）', en: 'Rise time (min)' },
  hydroDuration: { zh: '过程总历时（分钟）', en: 'Hydrograph length (min)' },
  simDuration: { zh: '模拟时长（分钟）', en: 'Simulated time (min)' },
  cellSize: { zh: '网格分辨率 (m)', en: 'Grid resolution (m)' },
  area: { zh: '范围', en: 'Area' },
  wholeDem: { zh: '整个流域 DEM', en: 'Whole catchment DEM' },
  drawArea: { zh: '绘制范围', en: 'Draw area' },
  finishArea: { zh: '完成绘制', en: 'Finish area' },
  drawHint: { zh: '在地图上单击添加顶点', en: 'Click on the map to add vertices' },
  polygonArea: { zh: '自定义多边形', en: 'Drawn polygon' },
  run: { zh: '开始模拟', en: 'Run' },
  pause: { zh: '暂停', en: 'Pause' },
  resume: { zh: '继续', en: 'Resume' },
  stop: { zh: '停止', en: 'Stop' },
  clear: { zh: '清除结果', en: 'Clear' },
  running: { zh: '计算中', en: 'Running' },
  paused: { zh: '已暂停', en: 'Paused' },
  done: { zh: '完成', en: 'Done' },
  modelTime: { zh: '模拟时刻', en: 'Model time' },
  play: { zh: '播放', en: 'Play' },
  cells: { zh: '网格', en: 'cells' },
  massError: { zh: '水量平衡误差', en: 'Mass balance error' },
  legendDepth: { zh: '水深 (m)', en: 'Depth (m)' },
  probe: { zh: '点击查询水深/流速', en: 'Probe depth/velocity' },
  probeHint: { zh: '在地图上单击任意位置', en: 'Click anywhere on the map' },
  depth: { zh: '水深', en: 'Depth' },
  speed: { zh: '流速', en: 'Speed' },
  impact: { zh: '影响评估', en: 'Impact' },
  floodedBuildings: { zh: '受淹建筑', en: 'Flooded buildings' },
  residents: { zh: '居民', en: 'residents' },
  roadsCut: { zh: '中断道路', en: 'Roads cut' },
  entrancesAtRisk: { zh: '受威胁的地下入口', en: 'Underground entrances at risk' },
  buildingThreshold: { zh: '建筑受淹阈值 (m)', en: 'Building threshold (m)' },
  roadThreshold: { zh: '道路中断阈值 (m)', en: 'Road threshold (m)' },
  none: { zh: '无', en: 'None' },
  exportGeoJson: { zh: '导出 GeoJSON', en: 'Export GeoJSON' },
  exportCsv: { zh: '导出 CSV', en: 'Export CSV' },
  sill: { zh: '门槛', en: 'sill' },
  metro: { zh: '地铁', en: 'Metro' },
  basement: { zh: '地下室', en: 'Basement' },
  parking: { zh: '地下车库', en: 'Car park' },
  maxSoFar: { zh: '截至当前时刻的最大水深', en: 'maximum depth up to the shown time' },
  riverWater: { zh: '江水初始为常水位', en: 'River at normal level' },
  drainage: { zh: '管网排水能力 (mm/h)', en: 'Sewer capacity (mm/h)' },
} as const;

/** A key of the flood string table. */
export type FloodStringKey = keyof typeof FLOOD_STRINGS;

/** A flood UI string in the app's current language. */
export function floodT(i18n: Pick<I18n, 'lang'>, key: FloodStringKey): string {
  return FLOOD_STRINGS[key][i18n.lang];
}
