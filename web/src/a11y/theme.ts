/*
 * antd's theme for each mode, as plain objects: App.tsx's ConfigProvider checks their shape, and
 * this file stays free of antd's types, so that the Node tests can load it (antd's types bring the
 * DOM's into their program and break the browser tests' types).
 */

/** The hub's look in standard mode: its blue, as before the large text mode. */
const STANDARD = { colorPrimary: '#1d4e89', borderRadius: 6 };

/**
 * The text colour of each tag colour (antd's 7th shade), darkened to its 8th–9th shade. Under both
 * of antd's names: its CSS variable (--ant-gold-7) is written from `gold-7`.
 */
export const TAG_TEXT = {
  blue7: '#003eb3',
  geekblue7: '#10239e',
  green7: '#135200',
  gold7: '#874d00',
  orange7: '#873800',
  volcano7: '#871400',
  red7: '#a8071a',
  magenta7: '#780650',
  purple7: '#391085',
  cyan7: '#00474f',
  lime7: '#254000',
} as const;

/** `gold7` → `gold-7`: the name antd writes the CSS variable from. */
type Hyphened<T> = { [K in keyof T as K extends `${infer C}7` ? `${C}-7` : never]: T[K] };
const hyphened = <T extends Record<string, string>>(tokens: T) =>
  Object.fromEntries(Object.entries(tokens).map(([key, colour]) => [key.replace(/7$/, '-7'), colour])) as Hyphened<T>;

/**
 * The large text mode (长辈模式) palette: dark text on white, a dark blue for what can be pressed,
 * and no grey text lighter than #404040 — every text colour at least 4.5:1 on its background (WCAG
 * 2.x AA), checked by test/web/accessible.test.ts against antd's derived tokens.
 */
const ACCESSIBLE_PALETTE = {
  text: '#141414',
  secondaryText: '#333333',
  tertiaryText: '#404040',
  placeholder: '#595959',
  background: '#ffffff',
  primary: '#0b3a6e',
  primaryBg: '#e6eef8',
  primaryBgHover: '#d2e0f2',
  border: '#767676',
  error: '#a8071a',
  success: '#135200',
  warning: '#874d00',
} as const;

const P = ACCESSIBLE_PALETTE;

/**
 * The light backgrounds and borders of alerts and status tags, as in standard mode: antd derives
 * them from the status colour, and from the dark ones above it derives murky greys.
 */
const STATUS_BACKGROUNDS = {
  colorSuccessBg: '#f6ffed',
  colorSuccessBgHover: '#d9f7be',
  colorSuccessBorder: '#b7eb8f',
  colorSuccessBorderHover: '#95de64',
  colorWarningBg: '#fffbe6',
  colorWarningBgHover: '#fff1b8',
  colorWarningBorder: '#ffe58f',
  colorWarningBorderHover: '#ffd666',
  colorErrorBg: '#fff1f0',
  colorErrorBgHover: '#ffccc7',
  colorErrorBorder: '#ffa39e',
  colorErrorBorderHover: '#ff7875',
  colorInfoBg: P.primaryBg,
  colorInfoBgHover: P.primaryBgHover,
  colorInfoBorder: '#a9c1e0',
  colorInfoBorderHover: '#7fa3d1',
} as const;

/** antd tokens of the large text mode: 18 px type, 48 px controls, taller lines, the palette above. */
const ACCESSIBLE = {
  ...STANDARD,
  fontSize: 18,
  fontSizeSM: 16,
  fontSizeLG: 20,
  lineHeight: 1.7,
  controlHeight: 48,
  controlHeightSM: 40,
  controlHeightLG: 56,
  // Check boxes and radio buttons big enough to hit with a finger.
  controlInteractiveSize: 24,
  colorPrimary: P.primary,
  colorInfo: P.primary,
  colorLink: P.primary,
  colorError: P.error,
  colorSuccess: P.success,
  colorWarning: P.warning,
  colorText: P.text,
  colorTextHeading: P.text,
  colorTextSecondary: P.secondaryText,
  colorTextTertiary: P.tertiaryText,
  colorTextDescription: P.tertiaryText,
  colorTextLabel: P.secondaryText,
  colorTextPlaceholder: P.placeholder,
  colorBgContainer: P.background,
  colorBorder: P.border,
  colorPrimaryBg: P.primaryBg,
  colorPrimaryBgHover: P.primaryBgHover,
  controlItemBgActive: P.primaryBg,
  controlItemBgActiveHover: P.primaryBgHover,
  ...STATUS_BACKGROUNDS,
  ...TAG_TEXT,
  ...hyphened(TAG_TEXT),
};

/**
 * The ConfigProvider theme for a mode. `motion` off (the person's system asks for less motion, or
 * the large text mode, whose pages are calm) stops antd's zooms and slides.
 */
export function themeOf(accessible: boolean, motion: boolean) {
  if (!accessible) return { token: { ...STANDARD, motion } };
  return {
    token: { ...ACCESSIBLE, motion: false },
    components: {
      Menu: { itemHeight: 56, iconSize: 20, itemSelectedBg: P.primaryBg },
      Button: { contentFontSizeSM: 16 },
      // An ID number on one line of a 360 px phone.
      Statistic: { contentFontSize: 28 },
    },
  };
}

/** The WCAG 2.x contrast ratio of two colours, #rgb, #rrggbb or rgba() over `under` (white). */
export function contrastRatio(a: string, b: string, under = '#ffffff'): number {
  const [la, lb] = [luminance(rgb(a, under)), luminance(rgb(b, under))];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

type Rgb = [number, number, number];

function rgb(colour: string, under: string): Rgb {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour.trim());
  if (hex) {
    const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
  }
  const fn = /^rgba?\(([^)]+)\)$/i.exec(colour.trim());
  if (!fn) throw new Error(`not a colour: ${colour}`);
  const [r, g, b, alpha = 1] = fn[1]!.split(',').map(Number) as [number, number, number, number?];
  const base = rgb(under, '#ffffff');
  return [r, g, b].map((c, i) => c * alpha + base[i]! * (1 - alpha)) as Rgb;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
