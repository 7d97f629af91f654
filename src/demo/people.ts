import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { JINAN, countiesOf, makeCitizenId, makeCreditCode } from '../kernel/index.js';

/** A small deterministic generator (mulberry32), so every demo city is the same city. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
/** Characters of given names; a name takes one or two. */
export const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国建华志强文斌海燕凤兰晓东雪梅佳怡子涵浩然欣怡一诺宇轩梓萱思远泉城历山明湖';
export const STREETS = [
  '经十路',
  '泉城路',
  '历山路',
  '解放路',
  '和平路',
  '舜耕路',
  '二环东路',
  '工业南路',
  '北园大街',
  '英雄山路',
  '花园路',
  '黄河大道',
];

function pick<T>(rand: () => number, items: readonly T[] | string): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** A street address in one of Jinan's counties. */
export function randomAddress(county: string, rand: () => number): string {
  return `山东省济南市${county}${pick(rand, STREETS)}${1 + Math.floor(rand() * 300)}号`;
}

export interface PersonRow {
  citizen_id: string;
  name: string;
  gender: string;
  birth_date: string;
  division: string;
  address: string;
  phone: string;
}

/** Synthetic residents of Jinan's districts with valid ID numbers (GB 11643). */
export function* people(count: number, seed = 2026): Generator<PersonRow> {
  const rand = prng(seed);
  const counties = countiesOf(JINAN).filter((c) => !c.functional);
  const used = new Set<string>();
  for (let i = 0; i < count;) {
    const county = pick(rand, counties);
    const birth = new Date(
      Date.UTC(1940 + Math.floor(rand() * 70), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
    );
    const birthDate = birth.toISOString().slice(0, 10);
    const seq = Math.floor(rand() * 1000);
    const id = makeCitizenId(county.code, birthDate, seq);
    if (used.has(id)) continue;
    used.add(id);
    i++;
    const given = pick<string>(rand, GIVEN) + (rand() < 0.6 ? pick<string>(rand, GIVEN) : '');
    yield {
      citizen_id: id,
      name: pick<string>(rand, SURNAMES) + given,
      gender: seq % 2 === 1 ? '男' : '女',
      birth_date: birthDate,
      division: county.code,
      address: randomAddress(county.name, rand),
      phone: `1${pick(rand, '3578')}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`,
    };
  }
}

export interface EnterpriseRow {
  credit_code: string;
  name: string;
  legal_rep: string;
  reg_date: string;
  division: string;
  reg_capital: string;
  status: string;
}

const TRADES = ['科技', '商贸', '建设', '物流', '餐饮', '医药', '文化传媒', '机械制造', '软件', '农业发展'];

/** Synthetic enterprises with valid unified social credit codes (GB 32100). */
export function* enterprises(count: number, seed = 3701): Generator<EnterpriseRow> {
  const rand = prng(seed);
  const counties = countiesOf(JINAN).filter((c) => !c.functional);
  for (let i = 0; i < count; i++) {
    const county = pick(rand, counties);
    const d = new Date(Date.UTC(1995 + Math.floor(rand() * 30), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)));
    yield {
      credit_code: makeCreditCode(county.code, 100_000 + i),
      name: `济南${pick<string>(rand, '泉历舜华鲁齐明泰鑫昌')}${pick<string>(rand, '源达盛和信恒通瑞丰安')}${pick(rand, TRADES)}有限公司`,
      legal_rep: pick<string>(rand, SURNAMES) + pick<string>(rand, GIVEN),
      reg_date: d.toISOString().slice(0, 10),
      division: county.code,
      reg_capital: String(10 * (1 + Math.floor(rand() * 500))),
      status: rand() < 0.9 ? '存续' : '注销',
    };
  }
}

/** Rows as a CSV byte stream with a header, so the demo loads through the real ingest pipeline. */
export function toCsv<T extends object>(rows: Iterable<T>): Readable {
  return Readable.from(rows).pipe(stringify({ header: true }));
}
