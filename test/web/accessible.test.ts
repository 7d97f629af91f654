import { describe, expect, it } from 'vitest';
import { contrastRatio, TAG_TEXT, themeOf } from '../../web/src/a11y/theme.js';

/**
 * antd, loaded without its types: they bring the DOM's into this Node program and break the browser
 * tests' types. Its getDesignToken derives every token from a theme, as the ConfigProvider does.
 */
const ANTD = 'antd';
const { theme } = (await import(ANTD)) as { theme: { getDesignToken(config: unknown): Record<string, unknown> } };

/** WCAG 2.x AA for normal-size text. */
const AA = 4.5;

/** antd's tokens as the browser gets them in a mode: the seed and overrides of themeOf, derived. */
const tokensOf = (accessible: boolean) => theme.getDesignToken(themeOf(accessible, true));

describe('contrast ratio', () => {
  it('is WCAG’s: 21 for black on white, 1 for a colour on itself, translucent colours laid on the background', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#0b3a6e', '#0b3a6e')).toBe(1);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#ffffff', '#767676')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('rgba(0,0,0,0.45)', '#ffffff')).toBeCloseTo(contrastRatio('#8c8c8c', '#ffffff'), 1);
  });
});

describe('the large text mode’s theme (长辈模式)', () => {
  const t = tokensOf(true);
  const colour = (key: string) => String(t[key]);

  it('sets 18 px type, taller lines and controls a finger finds', () => {
    expect(t.fontSize).toBeGreaterThanOrEqual(18);
    expect(t.fontSizeSM).toBeGreaterThanOrEqual(16);
    expect(t.lineHeight).toBeGreaterThanOrEqual(1.5);
    expect(t.controlHeight).toBeGreaterThanOrEqual(44);
    expect(t.controlHeightSM).toBeGreaterThanOrEqual(40);
    expect(t.controlInteractiveSize).toBeGreaterThanOrEqual(24);
    expect(t.motion).toBe(false);
  });

  // Text colour, the background it is read on, and where.
  const pairs: Array<[string, string, string]> = [
    ['colorText', 'colorBgContainer', 'text in a card'],
    ['colorText', 'colorBgLayout', 'text on the page'],
    ['colorTextHeading', 'colorBgLayout', 'a page title'],
    ['colorTextSecondary', 'colorBgContainer', 'secondary text'],
    ['colorTextTertiary', 'colorBgContainer', 'tertiary text'],
    ['colorTextDescription', 'colorBgContainer', 'Typography type="secondary", statistic titles'],
    ['colorTextDescription', 'colorBgLayout', 'secondary text on the page'],
    ['colorTextLabel', 'colorBgContainer', 'form labels'],
    ['colorTextPlaceholder', 'colorBgContainer', 'a field’s placeholder'],
    ['colorPrimary', 'colorBgContainer', 'a link, a default button hovered'],
    ['colorLink', 'colorBgContainer', 'a link'],
    ['colorTextLightSolid', 'colorPrimary', 'a primary button'],
    ['colorPrimary', 'controlItemBgActive', 'the selected menu entry'],
    ['colorError', 'colorBgContainer', 'a danger button, a field’s error'],
    ['colorError', 'colorErrorBg', 'an error alert, a red status tag'],
    ['colorSuccess', 'colorSuccessBg', 'a success status tag'],
    ['colorWarning', 'colorWarningBg', 'a warning status tag'],
    ['colorInfo', 'colorInfoBg', 'a processing status tag'],
  ];
  for (const [fg, bg, where] of pairs) {
    it(`reads at ≥ 4.5:1: ${where} (${fg} on ${bg})`, () => {
      expect(contrastRatio(colour(fg), colour(bg), colour('colorBgContainer'))).toBeGreaterThanOrEqual(AA);
    });
  }

  it('draws field and button borders at ≥ 3:1, as WCAG asks of what shows a control', () => {
    expect(contrastRatio(colour('colorBorder'), colour('colorBgContainer'))).toBeGreaterThanOrEqual(3);
  });

  it('darkens every tag colour the pages use to ≥ 4.5:1 on its tag’s background', () => {
    for (const key of Object.keys(TAG_TEXT)) {
      const name = key.replace(/\d+$/, '');
      expect(colour(`${name}7`), name).toBe(colour(`${name}-7`));
      expect(contrastRatio(colour(`${name}7`), colour(`${name}1`)), name).toBeGreaterThanOrEqual(AA);
    }
  });

  it('is needed: the standard theme’s secondary grey and gold tag text fall short of AA', () => {
    const standard = tokensOf(false);
    expect(standard.fontSize).toBe(14);
    expect(contrastRatio(String(standard.colorTextDescription), String(standard.colorBgContainer))).toBeLessThan(AA);
    expect(contrastRatio(String(standard.gold7), String(standard.gold1))).toBeLessThan(AA);
  });
});
