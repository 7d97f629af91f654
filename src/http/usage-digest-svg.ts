/** What the monthly digest image shows: all of it already chosen for the citizen's eyes (the ID masked). */
export interface DigestPicture {
  /** YYYY-MM, China time. */
  month: string;
  /** The citizen's ID as masked for anyone but its holder (base's `showKey`). */
  maskedId: string;
  /** Reads by others this month, by outcome. */
  uses: { count: number; allowed: number; denied: number; notFound: number };
  /** The citizen's own looks, not counted as uses. */
  own: number;
  /** One bar each, in the order drawn. */
  orgs: Array<{ name: string; count: number }>;
  head: { treeSize: number; rootHash: string; timestamp: number };
}

const WIDTH = 760;
const LEFT = 40;
const NAME_WIDTH = 240;
const BAR_MAX = 360;
const ROW = 34;
/** Fonts the reader's system has: the image names no font to download. */
const FONTS = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";

/**
 * Text as it may stand in XML content or a quoted attribute: the five markup characters as
 * entities, and the characters XML 1.0 does not allow at all left out. Every text the image
 * holds passes here, names above all: an organization is named by whoever registered it.
 */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** A name cut to what its column holds (a CJK character is about one em). */
const fit = (name: string, max = 16) => {
  const chars = [...name];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : name;
};

/** China time, to the minute. */
const chinaTime = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/**
 * 我的数据使用月报 as an SVG the hub writes itself: the month, the masked ID, the uses by
 * others with a bar per organization, the citizen's own looks apart, and the signed tree head
 * the counts are relative to. Chinese text, system fonts only, nothing fetched.
 */
export function usageDigestSvg(d: DigestPicture): string {
  const [year, mon] = d.month.split('-');
  const most = Math.max(1, ...d.orgs.map((o) => o.count));
  const top = 176;
  const rows = d.orgs.length || 1;
  const footer = top + rows * ROW + 24;
  const height = footer + 96;
  const text = (x: number, y: number, size: number, content: string, more = '') =>
    `<text x="${x}" y="${y}" font-size="${size}"${more}>${escapeXml(content)}</text>`;
  const bars = d.orgs.map((o, i) => {
    const y = top + i * ROW;
    const width = Math.max(2, Math.round((o.count / most) * BAR_MAX));
    return [
      `<g>`,
      `<title>${escapeXml(o.name)}</title>`,
      text(LEFT, y + 17, 14, fit(o.name), ' fill="#1f1f1f"'),
      `<rect x="${LEFT + NAME_WIDTH}" y="${y + 2}" width="${width}" height="20" rx="3" fill="#1677ff"/>`,
      text(LEFT + NAME_WIDTH + width + 8, y + 17, 14, `${o.count} 次`, ' fill="#1f1f1f"'),
      `</g>`,
    ].join('');
  });
  const uses = d.uses;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${escapeXml(FONTS)}">`,
    `<title>${escapeXml(`我的数据使用月报 ${year}年${mon}月`)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(LEFT, 52, 24, '我的数据使用月报', ' font-weight="bold" fill="#1f1f1f"'),
    text(LEFT, 84, 15, `${year}年${mon}月 · 身份号码 ${d.maskedId}`, ' fill="#595959"'),
    text(
      LEFT,
      120,
      15,
      `本月其他单位使用 ${uses.count} 次：允许 ${uses.allowed} 次，拒绝 ${uses.denied} 次，未查到 ${uses.notFound} 次`,
      ' fill="#1f1f1f"',
    ),
    text(LEFT, 146, 15, `本人查看 ${d.own} 次（不计入使用次数）`, ' fill="#595959"'),
    ...(d.orgs.length > 0 ? bars : [text(LEFT, top + 17, 14, '本月没有其他单位使用您的数据。', ' fill="#8c8c8c"')]),
    `<line x1="${LEFT}" y1="${footer}" x2="${WIDTH - LEFT}" y2="${footer}" stroke="#d9d9d9"/>`,
    text(
      LEFT,
      footer + 26,
      13,
      `以上计数以泉城链签名树头为准：树大小 ${d.head.treeSize}，签名时间 ${chinaTime(d.head.timestamp)}（北京时间）`,
      ' fill="#595959"',
    ),
    text(LEFT, footer + 48, 12, `根哈希 ${d.head.rootHash}`, ' fill="#595959" font-family="monospace"'),
    text(LEFT, footer + 72, 12, '泉城数据中枢 · 每条记录可凭包含证明向签名树头核验', ' fill="#8c8c8c"'),
    `</svg>`,
  ];
  return lines.join('\n') + '\n';
}
