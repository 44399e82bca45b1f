/**
 * UI strings of the live layers (stream, sensors, alarms, timeline, drones, cameras) in both languages, looked up
 * with the app's current language so they switch with the app's language button.
 */
import type { I18n } from '../i18n/I18n.js';

/** The live layers' strings: key → { zh, en }. */
export const LIVE_STRINGS = {
  live: { zh: '实时', en: 'Live' },
  liveData: { zh: '实时监测', en: 'Live monitoring' },
  replay: { zh: '回放', en: 'Replay' },
  liveOffline: { zh: '实时数据不可用', en: 'Live data unavailable' },
  liveError: { zh: '实时数据配置错误', en: 'Live data configuration error' },
  replayError: { zh: '历史回放失败', en: 'Replay failed' },
  conn_connecting: { zh: '连接中', en: 'Connecting' },
  conn_replaying: { zh: '补传中', en: 'Catching up' },
  conn_live: { zh: '已连接', en: 'Connected' },
  conn_reconnecting: { zh: '重连中', en: 'Reconnecting' },
  conn_closed: { zh: '已断开', en: 'Disconnected' },
  conn_offline: { zh: '无网关', en: 'No gateway' },
  gapCoalesced: { zh: '网络拥塞：跳过了部分中间数据', en: 'Congestion: some intermediate values were skipped' },
  gapPruned: { zh: '历史数据已过期删除', en: 'History expired (pruned)' },
  gapReset: { zh: '网关历史已重置，从此处继续', en: 'Gateway history was reset; continuing from' },
  alarms: { zh: '告警', en: 'Alarms' },
  noAlarms: { zh: '无告警', en: 'No alarms' },
  state_normal: { zh: '正常', en: 'Normal' },
  state_warning: { zh: '预警', en: 'Warning' },
  state_alarm: { zh: '报警', en: 'Alarm' },
  state_unknown: { zh: '无数据', en: 'No data' },
  value: { zh: '数值', en: 'Value' },
  time: { zh: '时间', en: 'Time' },
  thresholds: { zh: '阈值（预警 / 报警）', en: 'Thresholds (warning / alarm)' },
  chart24h: { zh: '近 24 小时', en: 'Last 24 h' },
  chartLoading: { zh: '正在加载历史…', en: 'Loading history…' },
  chartEmpty: { zh: '暂无历史数据', en: 'No history yet' },
  speed: { zh: '倍速', en: 'Speed' },
  pause: { zh: '暂停', en: 'Pause' },
  play: { zh: '播放', en: 'Play' },
  backToLive: { zh: '回到实时', en: 'Back to live' },
  minutesAgo: { zh: '分钟前', en: 'min ago' },
  replayTime: { zh: '回放时刻', en: 'Replay time' },
  go: { zh: '跳转', en: 'Go' },
  drone: { zh: '无人机', en: 'Drone' },
  battery: { zh: '电量', en: 'Battery' },
  speedMs: { zh: '地速', en: 'Ground speed' },
  altitude: { zh: '高度', en: 'Height' },
  attitude: { zh: '姿态（航向/俯仰/横滚）', en: 'Attitude (heading/pitch/roll)' },
  flightMode: { zh: '状态', en: 'Mode' },
  position: { zh: '位置', en: 'Position' },
  follow: { zh: '定位', en: 'Locate' },
  cameraVideo: { zh: '视频', en: 'Video' },
  cameraStatus: { zh: '设备状态', en: 'Status' },
  cam_recording: { zh: '录像中', en: 'Recording' },
  cam_online: { zh: '在线', en: 'Online' },
  cam_offline: { zh: '离线', en: 'Offline' },
  noStream: { zh: '该摄像头没有视频流，显示孪生场景中的视角', en: 'No video stream: showing the twin’s view from this camera' },
  previewView: { zh: '从摄像头视角查看', en: 'View from camera' },
  videoError: { zh: '视频无法播放', en: 'Video cannot be played' },
  projectVideo: { zh: '视频投射到场景', en: 'Project video onto scene' },
  log: { zh: '消息', en: 'Messages' },
  received: { zh: '已接收', en: 'Received' },
} as const;

/** A key of the live string table. */
export type LiveStringKey = keyof typeof LIVE_STRINGS;

/** Looks up a live-layer string in the app's current language. */
export function liveT(i18n: I18n, key: LiveStringKey): string {
  return LIVE_STRINGS[key][i18n.lang];
}
