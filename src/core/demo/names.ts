import type { I18nText } from '../scene/catalog.js';
import type { Rng } from './random.js';

/** Invented (plausible) name stems: Chinese and pinyin. */
const STEMS: [string, string][] = [
  ['兴盛', 'Xingsheng'], ['华夏', 'Huaxia'], ['冼村', 'Xiancun'], ['猎德', 'Liede'], ['华强', 'Huaqiang'],
  ['金穗', 'Jinsui'], ['花城', 'Huacheng'], ['临江', 'Linjiang'], ['海滨', 'Haibin'], ['马场', 'Machang'],
  ['平月', 'Pingyue'], ['天润', 'Tianrun'], ['华就', 'Huajiu'], ['潭村', 'Tancun'], ['石牌', 'Shipai'],
  ['龙口', 'Longkou'], ['翠华', 'Cuihua'], ['凤凰', 'Fenghuang'], ['康乐', 'Kangle'], ['榕树', 'Rongshu'],
  ['木棉', 'Mumian'], ['荔湾', 'Liwan'], ['春晖', 'Chunhui'], ['晨光', 'Chenguang'], ['启明', 'Qiming'],
  ['远景', 'Yuanjing'], ['文昌', 'Wenchang'], ['明月', 'Mingyue'], ['丰乐', 'Fengle'], ['安华', 'Anhua'],
  ['金沙', 'Jinsha'], ['宏城', 'Hongcheng'], ['云溪', 'Yunxi'], ['星汇', 'Xinghui'], ['洲头', 'Zhoutou'],
  ['江湾', 'Jiangwan'], ['南粤', 'Nanyue'], ['羊城', 'Yangcheng'], ['粤秀', 'Yuexiu'], ['荔景', 'Lijing'],
  ['珠光', 'Zhuguang'], ['海心', 'Haixin'], ['盈丰', 'Yingfeng'], ['嘉禾', 'Jiahe'], ['德政', 'Dezheng'],
  ['锦城', 'Jincheng'], ['天河', 'Tianhe'], ['东湖', 'Donghu'], ['雅荷', 'Yahe'], ['紫荆', 'Zijing'],
  ['广利', 'Guangli'], ['富华', 'Fuhua'], ['逸景', 'Yijing'], ['骏景', 'Junjing'], ['汇景', 'Huijing'],
  ['御景', 'Yujing'], ['碧桂', 'Bigui'], ['新港', 'Xingang'], ['南华', 'Nanhua'], ['恒福', 'Hengfu'],
];

/** Road name suffixes by class. */
const LOCAL_SUFFIX: [string, string][] = [['路', 'Road'], ['街', 'Street'], ['二路', '2nd Road'], ['一街', '1st Street'], ['横路', 'Cross Road']];

/** Hands out unique names; each pool is shuffled once from the seed. */
export class NameBook {
  private readonly localRoads: I18nText[];
  private readonly estateStems: [string, string][];
  private readonly officeStems: [string, string][];
  private roadIdx = 0;
  private estateIdx = 0;
  private officeIdx = 0;
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng) {
    const roads: I18nText[] = [];
    for (const [sz, se] of LOCAL_SUFFIX) for (const [z, e] of STEMS) roads.push({ zh: z + sz, en: `${e} ${se}` });
    this.localRoads = shuffle(rng, roads.slice(0, STEMS.length)).concat(shuffle(rng, roads.slice(STEMS.length)));
    this.estateStems = shuffle(rng, STEMS.slice());
    this.officeStems = shuffle(rng, STEMS.slice());
  }

  /** A unique local road name. */
  localRoad(): I18nText {
    const n = this.localRoads[this.roadIdx++ % this.localRoads.length];
    return this.unique(n);
  }

  /** A unique residential estate name, e.g. 珠光花园 / Zhuguang Garden. */
  estate(kind: 'estate' | 'villa' | 'village'): I18nText {
    const [z, e] = this.estateStems[this.estateIdx++ % this.estateStems.length];
    const suffixes: [string, string][] =
      kind === 'villa' ? [['山庄', 'Villas'], ['别墅区', 'Villa Estate'], ['雅苑', 'Garden Villas']]
        : kind === 'village' ? [['新村', 'Village']]
          : [['花园', 'Garden'], ['苑', 'Court'], ['雅居', 'Residences'], ['新村', 'New Village'], ['豪庭', 'Mansions'], ['公寓', 'Apartments']];
    const [sz, se] = this.rng.pick(suffixes);
    return this.unique({ zh: z + sz, en: `${e} ${se}` });
  }

  /** A unique office / commercial building name, e.g. 海心国际金融中心 / Haixin International Finance Centre. */
  office(kind: 'tower' | 'office' | 'shop'): I18nText {
    const [z, e] = this.officeStems[this.officeIdx++ % this.officeStems.length];
    const suffixes: [string, string][] =
      kind === 'tower' ? [['国际金融中心', 'International Finance Centre'], ['中心', 'Centre'], ['大厦', 'Tower'], ['环球广场', 'Global Plaza']]
        : kind === 'office' ? [['大厦', 'Building'], ['商务中心', 'Business Centre'], ['科技园', 'Tech Park'], ['广场', 'Plaza']]
          : [['商场', 'Mall'], ['商业街', 'Shopping Street'], ['天地', 'Galleria'], ['市场', 'Market']];
    const [sz, se] = this.rng.pick(suffixes);
    return this.unique({ zh: z + sz, en: `${e} ${se}` });
  }

  /** Makes a name unique by appending a running number. */
  unique(n: I18nText): I18nText {
    if (!this.used.has(n.zh)) {
      this.used.add(n.zh);
      return n;
    }
    for (let k = 2; ; k++) {
      const zh = `${n.zh}${k}期`;
      if (!this.used.has(zh)) {
        this.used.add(zh);
        return { zh, en: `${n.en} Phase ${k}` };
      }
    }
  }
}

/** Fisher–Yates shuffle in place with the given generator. */
export function shuffle<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
