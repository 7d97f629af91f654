import { describe, expect, it } from 'vitest';
import { escapeXml, usageDigestSvg, type DigestPicture } from './usage-digest-svg.js';

const picture: DigestPicture = {
  month: '2026-07',
  maskedId: '370102********1234',
  uses: { count: 5, allowed: 4, denied: 1, notFound: 0 },
  own: 2,
  orgs: [
    { name: '济南市民政局', count: 4 },
    { name: '<script>&"x"\u0000', count: 1 },
  ],
  head: { treeSize: 42, rootHash: 'ab'.repeat(32), timestamp: Date.UTC(2026, 6, 31, 16, 30) },
};

describe('the monthly digest image', () => {
  it('escapes markup and leaves out what XML cannot hold', () => {
    expect(escapeXml(`<a href='x'>&"\u0001\uD800`)).toBe('&lt;a href=&apos;x&apos;&gt;&amp;&quot;');
  });

  it('draws a bar per organization with its name and count, and the head, in Chinese', () => {
    const svg = usageDigestSvg(picture);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('2026年07月');
    expect(svg).toContain('370102********1234');
    expect(svg).toContain('&lt;script&gt;&amp;&quot;x&quot;');
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('\u0000');
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('4 次');
    expect(svg).toContain('树大小 42');
    // China time: 16:30 UTC on the 31st is half past midnight on 1 August.
    expect(svg).toContain('2026-08-01 00:30');
  });

  it('says so when nobody used the data', () => {
    const svg = usageDigestSvg({ ...picture, orgs: [], uses: { count: 0, allowed: 0, denied: 0, notFound: 0 } });
    expect(svg).toContain('本月没有其他单位使用您的数据');
    expect(svg.match(/<rect /g)).toHaveLength(1);
  });
});
